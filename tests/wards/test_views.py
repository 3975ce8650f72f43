import pytest
from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


def unit_url(province_slug: str, unit_slug: str) -> str:
    return reverse("wards:unit", args=[province_slug, unit_slug])


@pytest.mark.django_db
def test_province_list_shows_all_34_provinces(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("wards:province_list"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/don-vi/') >= 34
    assert "Thành phố Hà Nội" in response.content.decode()


@pytest.mark.django_db
def test_other_province_is_browsable_the_same_way(client):
    response = client.get(reverse("wards:province", args=["da-nang"]))
    assert response.status_code == 200
    assert "Thành phố Đà Nẵng" in response.content.decode()
    assert "Đặc khu Hoàng Sa" in response.content.decode()


@pytest.mark.django_db
def test_province_page_filters_without_javascript(client):
    response = client.get(reverse("wards:province", args=["ha-noi"]), {"q": "cau giay"})
    page = response.content.decode()
    assert "<html" in page
    assert "Phường Cầu Giấy" in page
    assert "Phường Ba Đình" not in page


@pytest.mark.django_db
def test_province_page_answers_htmx_with_the_list_fragment(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get(reverse("wards:province", args=["ha-noi"]), {"q": "Cầu Giấy"}, **HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="unit-list"')
    assert "Phường Cầu Giấy" in fragment
    assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_unknown_province_is_a_vietnamese_404(client):
    response = client.get(reverse("wards:province", args=["khong-co"]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_unit_page_shows_facts_and_legal_basis(client, cau_giay, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get(cau_giay.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Phường Cầu Giấy</h1>" in page
    assert "Thành phố Hà Nội" in page
    assert "Nghị quyết số 1656/NQ-UBTVQH15 ngày 16/06/2025" in page
    assert "km²" in page


@pytest.mark.django_db
def test_unit_page_marks_a_divided_former_unit_as_part_and_names_the_others(client, cau_giay):
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    quan_hoa = page[page.index("Phường Quan Hoa") :]
    quan_hoa = quan_hoa[: quan_hoa.index("</li>")]
    assert "một phần" in quan_hoa
    assert unit_url("ha-noi", "phuong-nghia-do") in quan_hoa
    assert "Phường Nghĩa Đô" in quan_hoa


@pytest.mark.django_db
def test_unit_page_marks_a_former_unit_that_went_whole(client):
    page = client.get(unit_url("ha-noi", "phuong-hong-ha")).content.decode()
    phuc_xa = page[page.index("Phường Phúc Xá") :]
    assert "toàn bộ" in phuc_xa[: phuc_xa.index("</li>")]


@pytest.mark.django_db
def test_unit_page_shows_a_reclassification(client):
    page = client.get(unit_url("bac-ninh", "phuong-bo-ha")).content.decode()
    assert "Loại đơn vị: Xã → Phường" in page
    assert "388/NQ-UBTVQH16" in page


@pytest.mark.django_db
def test_special_zone_page_lists_the_whole_island_district(client):
    page = client.get(unit_url("hai-phong", "dac-khu-bach-long-vi")).content.decode()
    assert "Huyện Bạch Long Vĩ" in page
    assert "toàn bộ" in page


@pytest.mark.django_db
def test_unknown_unit_is_a_vietnamese_404(client):
    response = client.get(unit_url("ha-noi", "phuong-khong-co"))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_unit_in_the_wrong_province_is_a_404(client):
    assert client.get(unit_url("da-nang", "phuong-cau-giay")).status_code == 404


@pytest.mark.django_db
def test_unit_code_redirects_to_the_readable_url(client, cau_giay):
    response = client.get(reverse("wards:unit_by_code", args=["00166"]))
    assert response.status_code == 301
    assert response["Location"] == cau_giay.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99999", "abc", "0" * 300])
def test_unknown_unit_code_is_a_404(client, code):
    assert client.get(reverse("wards:unit_by_code", args=[code])).status_code == 404


@pytest.mark.django_db
def test_pages_refuse_post_without_a_server_error(client):
    response = client.post(reverse("wards:province", args=["ha-noi"]))
    assert response.status_code == 405
