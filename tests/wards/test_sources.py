import pytest

from wards.sources.records import (
    SourceDataError,
    canonical_name,
    legal_basis_from_note,
    split_type,
)
from wards.sources.vietnamadminunits import DISTRICT_LABELS, FORMER_UNIT_LABELS, UNIT_LABELS


def test_type_comes_from_the_name_prefix_in_any_case():
    assert split_type("Thị Trấn Ái Tử", FORMER_UNIT_LABELS) == ("thi_tran", "Ái Tử")
    assert split_type("Đặc khu Côn Đảo", UNIT_LABELS) == ("dac_khu", "Côn Đảo")
    assert split_type("Phường 15", FORMER_UNIT_LABELS) == ("phuong", "15")


def test_unknown_prefix_is_an_error():
    with pytest.raises(SourceDataError):
        split_type("Ấp Tân Lập", UNIT_LABELS)


def test_district_names_get_their_usual_prefix_case():
    assert canonical_name("Thành Phố Bắc Kạn", DISTRICT_LABELS) == "Thành phố Bắc Kạn"
    assert canonical_name("Thị Xã Buôn Hồ", DISTRICT_LABELS) == "Thị xã Buôn Hồ"


def test_legal_basis_is_read_from_the_note():
    number, day = legal_basis_from_note("Hợp nhất ... Số: 1656/NQ-UBTVQH15; Ngày: 16/06/2025")
    assert number == "1656/NQ-UBTVQH15"
    assert day.isoformat() == "2025-06-16"


def test_a_note_without_exactly_one_resolution_is_an_error():
    with pytest.raises(SourceDataError):
        legal_basis_from_note("Không có số nghị quyết")
