"""The address resolver on the real data: every former unit, and the ways people type."""

import unicodedata

import pytest

from wards.resolver_index import address_index
from wards.selectors import former_unit_resolve


def strip_diacritics(text: str) -> str:
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def first(query: str):
    matches = former_unit_resolve(query=query, limit=10)
    assert matches, f"nothing found for {query!r}"
    return matches[0].entry


def names(query: str, limit: int = 10) -> list[str]:
    return [
        f"{m.entry.name}, {m.entry.district}" for m in former_unit_resolve(query=query, limit=limit)
    ]


@pytest.mark.django_db
def test_every_former_unit_is_found_first_from_its_full_address_without_diacritics():
    """The full form `<ward>, <district>, <province>` with diacritics stripped.

    22 pairs of former units in the same district differ only in diacritics (Xã Trực Hưng
    and Xã Trực Hùng, Huyện Trực Ninh); stripped, their addresses are the same text, so
    for those the two must share the top two places and one of them comes first.
    """
    index = address_index()
    wrong, twins = [], []
    for entry in index.entries:
        if not entry.code:
            continue
        query = strip_diacritics(f"{entry.name}, {entry.district}, {entry.province}")
        matches = index.resolve(query, 2)
        if matches[0].entry.pk == entry.pk:
            continue
        twin = matches[0].entry
        same_text = strip_diacritics(f"{twin.name}, {twin.district}, {twin.province}") == query
        if same_text and matches[1].entry.pk == entry.pk:
            twins.append(query)
        else:
            wrong.append((query, [m.entry.name for m in matches]))
    total = sum(1 for entry in index.entries if entry.code)
    assert total == 10035
    assert wrong == []
    assert len(twins) == 22
    print(f"full form without diacritics: {total - len(twins)}/{total} first, 22 exact twins")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "Phường Quan Hoa, Quận Cầu Giấy, Hà Nội",
        "quan hoa cau giay",
        "P. Quan Hoa, Q. Cầu Giấy, TP. Hà Nội",
        "Quan Hoa - Cau Giay - HN",
        "PHƯỜNG QUAN HOA QUẬN CẦU GIẤY",
        "00169",
        "Quan Hao, Cau Giay",
        "Quan Hao",
    ],
)
def test_the_ways_residents_write_quan_hoa_all_find_it_first(query):
    entry = first(query)
    assert (entry.code, entry.name, entry.district) == ("00169", "Phường Quan Hoa", "Quận Cầu Giấy")


@pytest.mark.django_db
def test_a_divided_former_unit_lists_every_new_unit_and_marks_the_default():
    entry = first("Phạm Đình Hổ, Hai Bà Trưng")
    assert entry.divided
    assert [(s.name, s.is_default) for s in entry.successors] == [
        ("Phường Hai Bà Trưng", True),
        ("Phường Cửa Nam", False),
    ]


@pytest.mark.django_db
def test_a_name_shared_by_many_former_units_lists_them_with_their_districts():
    found = names("Tân Lập", limit=20)
    assert len(found) >= 10
    assert all(name.startswith("Xã Tân Lập") or "Tân Lập" in name for name in found)
    assert len({name.split(", ")[1] for name in found}) == len(found)
    assert found[0] == "Xã Tân Lập, Huyện Đan Phượng"  # Hà Nội first


@pytest.mark.django_db
def test_a_district_alone_lists_its_former_units():
    found = names("Quận Cầu Giấy", limit=20)
    assert sorted(found[:8]) == sorted(
        f"Phường {ward}, Quận Cầu Giấy"
        for ward in [
            "Nghĩa Đô",
            "Nghĩa Tân",
            "Mai Dịch",
            "Dịch Vọng",
            "Dịch Vọng Hậu",
            "Quan Hoa",
            "Yên Hòa",
            "Trung Hòa",
        ]
    )


@pytest.mark.django_db
def test_a_new_units_name_alone_lists_the_former_units_it_was_made_from():
    found = names("Phường Hồng Hà")
    assert "Phường Phúc Xá, Quận Ba Đình" in found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Yên Hòa, Cầu Giấy", "Phường Yên Hòa"),
        ("Yên Hoà, Cầu Giấy", "Phường Yên Hòa"),
        ("Phường Phú Thủy, Thành phố Phan Thiết", "Phường Phú Thủy"),
        ("Phường Phú Thuỷ, Thành phố Phan Thiết", "Phường Phú Thủy"),
    ],
)
def test_both_tone_placements_find_the_same_unit(query, expected):
    assert first(query).name == expected


@pytest.mark.django_db
def test_diacritics_typed_pick_the_right_twin():
    assert first("Xã Trực Hùng, Huyện Trực Ninh").code == "14083"
    assert first("Xã Trực Hưng, Huyện Trực Ninh").code == "14050"


@pytest.mark.django_db
def test_the_type_word_tells_a_township_from_a_commune_of_the_same_name():
    assert first("Thị trấn Yên Viên, Gia Lâm").name == "Thị trấn Yên Viên"
    assert first("Xã Yên Viên, Gia Lâm").name == "Xã Yên Viên"


@pytest.mark.django_db
def test_numbered_wards_need_their_district():
    entry = first("P.1, Q.3, TP.HCM")
    assert (entry.name, entry.district) == ("Phường 1", "Quận 3")
    assert first("Phường 1, Quận 10, Hồ Chí Minh").district == "Quận 10"


@pytest.mark.django_db
def test_a_former_unit_of_a_merged_province_is_found_by_its_old_province():
    entry = first("Phường Cẩm Thượng, Thành phố Hải Dương, Tỉnh Hải Dương")
    assert entry.province == "Tỉnh Hải Dương"
    assert entry.successors[0].province == "Thành phố Hải Phòng"


@pytest.mark.django_db
def test_an_island_district_is_found_and_goes_to_its_special_zone():
    entry = first("Huyện Côn Đảo, Bà Rịa - Vũng Tàu")
    assert entry.name == "Huyện Côn Đảo"
    assert [s.name for s in entry.successors] == ["Đặc khu Côn Đảo"]


@pytest.mark.django_db
def test_a_dash_inside_a_new_units_name_is_not_a_separator():
    found = names("Văn Miếu - Quốc Tử Giám")
    assert found[0].startswith("Phường Văn Miếu")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["zzzz qqqq", "", "   ", "!!!", "12345"])
def test_nothing_found_is_an_empty_answer(query):
    assert former_unit_resolve(query=query) == []


@pytest.mark.django_db
def test_the_van_khe_correction_shows_in_the_answer():
    entry = first("Xã Văn Khê, Huyện Mê Linh")
    assert "Xã Ô Diên" in [s.name for s in entry.successors]
