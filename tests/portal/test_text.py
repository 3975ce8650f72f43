import unicodedata

from portal.text import fold, nfc, same_name


def test_fold_removes_diacritics_and_maps_d_with_stroke():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("ĐỐNG ĐA") == "dong da"


def test_fold_is_the_same_for_decomposed_and_composed_input():
    decomposed = unicodedata.normalize("NFD", "Phường Cầu Giấy")
    assert fold(decomposed) == fold("Phường Cầu Giấy") == "phuong cau giay"


def test_nfc_composes_and_collapses_spaces():
    assert nfc(unicodedata.normalize("NFD", "  Hoàn   Kiếm ")) == "Hoàn Kiếm"


def test_tone_placement_variants_are_the_same_name():
    assert same_name("Xã Thuận Hòa", "Xã Thuận Hoà")
    assert same_name("Phường Phú Thủy", "Phường Phú Thuỷ")
    assert same_name("Quý", "Qúy")


def test_apostrophe_styles_are_the_same_name():
    assert same_name("Xã Ea H'Leo", "Xã Ea H’Leo")


def test_different_tones_or_letters_are_different_names():
    assert not same_name("Hòa", "Hóa")
    assert not same_name("Hòa", "Hoa")
    assert not same_name("Phường 1", "Phường 11")
