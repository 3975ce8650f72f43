import copy

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from procedures.models import Cost, Procedure, Status
from procedures.seeding import SeedError, procedure_seed_load, seed_records
from procedures.services import CATALOGUE_EDITORS, procedures_set_status
from tests.factories import UserFactory

RECORD = {
    "code": None,
    "code_verified": False,
    "name": "Thủ tục thử nghiệm",
    "slug": "thu-tuc-thu-nghiem",
    "field": "ho_tich",
    "levels": ["xa"],
    "agency": "UBND cấp xã",
    "moved_from_district": None,
    "moved_by": "",
    "documents": [{"name": "Tờ khai", "note": ""}],
    "processing_days": None,
    "processing_note": "",
    "costs": [],
    "channels": ["in_person"],
    "online_level": None,
    "conflict_note": "",
    "sources": ["https://example.gov.vn/thu-tuc"],
    "source_note": "",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "1001193"}, r"is not like 1\.001193"),
        ({"field": "thue"}, "unknown field"),
        ({"sources": []}, "no source"),
        (
            {"costs": [{"kind": "le_phi", "amount_vnd": 8000, "province": None}]},
            "without the province",
        ),
        ({"documents": [{"name": "x" * 301}]}, "too long"),
    ],
)
def test_a_seed_record_that_breaks_a_rule_loads_nothing(change, message):
    before = Procedure.objects.count()
    good = copy.deepcopy(RECORD) | {"slug": "thu-tuc-tot"}
    with pytest.raises(SeedError, match=message):
        procedure_seed_load(records=[good, copy.deepcopy(RECORD) | change])
    assert Procedure.objects.count() == before


@pytest.mark.django_db
def test_seed_load_creates_once_and_keeps_editors_changes():
    summary = procedure_seed_load(records=[RECORD])
    assert summary.created == 1
    Procedure.objects.filter(slug=RECORD["slug"]).update(processing_note="Đã sửa")
    again = procedure_seed_load(records=[RECORD])
    assert (again.created, again.already_present) == (0, 1)
    assert Procedure.objects.get(slug=RECORD["slug"]).processing_note == "Đã sửa"


@pytest.mark.django_db
def test_catalogue_editors_may_edit_but_not_delete_procedures():
    group = Group.objects.get(name=CATALOGUE_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_procedure", "change_procedure", "view_procedure", "delete_cost"} <= codenames
    assert "delete_procedure" not in codenames


@pytest.mark.django_db
def test_publish_and_withdraw_are_recorded_with_who_did_it():
    procedure_seed_load(records=[RECORD])
    editor = UserFactory()
    queryset = Procedure.objects.filter(slug=RECORD["slug"])
    assert procedures_set_status(procedures=queryset, status=Status.WITHDRAWN, user=editor) == 1
    latest = queryset.get().history.first()
    assert (latest.status, latest.history_user) == (Status.WITHDRAWN, editor)


@pytest.mark.django_db
def test_admin_search_finds_a_procedure_without_diacritics(client):
    procedure_seed_load(records=[RECORD])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:procedures_procedure_changelist"), {"q": "thu nghiem"})
    assert "Thủ tục thử nghiệm" in page.content.decode()


@pytest.mark.django_db
def test_a_badly_formed_code_is_refused_with_a_vietnamese_message():
    from django.core.exceptions import ValidationError

    procedure = Procedure(code="1001193", name="X", slug="x", field="ho_tich", level="xa")
    with pytest.raises(ValidationError, match=r"1\.001193"):
        procedure.full_clean()


def test_the_seed_catalogue_keeps_to_the_data_rules():
    records = seed_records()
    assert len(records) >= 110
    assert len({r["slug"] for r in records}) == len(records)
    codes = [r["code"] for r in records if r.get("code")]
    assert len(codes) == len(set(codes))
    amounts = [
        (r["slug"], cost["province"], cost["note"])
        for r in records
        for cost in r.get("costs", [])
        if cost.get("amount_vnd") is not None
    ]
    # An amount is either Hà Nội's own, from a resolution of the City People's Council, or
    # a nationwide one set by the Ministry of Finance; never another province's.
    for slug, province, note in amounts:
        assert (province == "Hà Nội" and "NQ-HĐND" in note) or (
            province == "Toàn quốc" and "TT-BTC" in note
        ), slug
    assert ("cap-giay-xac-nhan-tinh-trang-hon-nhan", "Hà Nội") in {a[:2] for a in amounts}
    assert all(r["sources"] for r in records)
    assert all(r["moved_from_district"] in {"yes", "no", "both", "unknown"} for r in records)


@pytest.mark.django_db
def test_setup_data_loaded_the_seed_catalogue():
    assert Procedure.objects.filter(status=Status.PUBLISHED).count() == len(seed_records())
    marital = Procedure.objects.get(name__icontains="tình trạng hôn nhân")
    assert list(
        Cost.objects.filter(procedure=marital)
        .exclude(amount_vnd=None)
        .values_list("amount_vnd", "province")
    ) == [(3000, "Hà Nội")]
