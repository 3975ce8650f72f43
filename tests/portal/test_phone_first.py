"""Issue 15, "phone-first finish" and "weight": what the server sends for them."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from wards.models import Province, UnitType

HTMX = {"HTTP_HX_REQUEST": "true"}
DEFAULT_NOTE = "“Mặc định” là đơn vị mới"
PROCEDURE_PAGE = "/thu-tuc/dang-ky-khai-sinh/"


def ids_used_twice(page: str) -> list[str]:
    return [name for name, n in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if n > 1]


@pytest.mark.django_db
def test_a_get_to_a_post_only_address_is_a_vietnamese_405_page_with_a_link(client):
    response = client.get(reverse("notifications:subscribe"))
    page = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Địa chỉ này chỉ nhận biểu mẫu" in page
    assert '<main id="noi-dung"' in page  # the site's layout, not a blank page
    assert f'<a href="{reverse("home")}">Chọn phường, xã của bạn, rồi đăng ký' in page


@pytest.mark.django_db
def test_a_get_to_sign_out_links_home_and_a_staff_action_links_the_staff_page(client, cau_giay):
    logout = client.get(reverse("logout"))
    assert logout.status_code == 405
    assert f'<a href="{reverse("home")}">Về trang chủ' in logout.content.decode()
    verify = client.get(reverse("staff:point_verify", args=[cau_giay.service_points.get().pk]))
    assert verify.status_code == 405
    assert f'<a href="{reverse("staff:dashboard")}">Về trang cán bộ</a>' in verify.content.decode()


@pytest.mark.django_db
def test_the_api_answers_a_wrong_method_itself_not_with_a_page(client):
    response = client.post("/api/v1/convert", {"q": "Quan Hoa"})
    assert response.status_code == 405
    assert "<html" not in response.content.decode()


@pytest.mark.django_db
def test_a_405_with_a_body_of_its_own_is_left_alone(client, rf):
    from django.http import HttpResponseNotAllowed

    from portal.middleware import MethodNotAllowedPageMiddleware

    own = HttpResponseNotAllowed(["GET"], content=b"own")
    answer = MethodNotAllowedPageMiddleware(lambda request: own)(rf.post("/"))
    assert answer is own


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/tra-cuu/?q=quan+hoa",
        "/thu-tuc/?q=khai+sinh",
        f"{PROCEDURE_PAGE}?don_vi=00166",
        "/don-vi/ha-noi/phuong-cau-giay/",
    ],
)
def test_no_id_is_used_twice_on_a_page(client, url):
    page = client.get(url).content.decode()
    assert ids_used_twice(page) == []


@pytest.mark.django_db
def test_the_procedure_pages_unit_picker_has_its_own_id_beside_the_subscription_form(client):
    page = client.get(PROCEDURE_PAGE, {"don_vi": "00166"}).content.decode()
    assert '<label for="where_don_vi">Phường, xã của bạn</label>' in page
    assert '<select name="don_vi" required id="where_don_vi">' in page
    assert page.count('id="id_don_vi"') <= 1  # the subscription form's hidden field


@pytest.mark.django_db
def test_hanois_unit_filter_offers_only_the_types_it_has(client):
    page = client.get(reverse("home")).content.decode()
    assert '<option value="phuong">Phường</option>' in page
    assert '<option value="xa">Xã</option>' in page
    assert 'value="dac_khu"' not in page and "Đặc khu" not in page


@pytest.mark.django_db
def test_a_province_with_special_zones_offers_them_in_its_filter(client):
    province = Province.objects.filter(units__type=UnitType.SPECIAL_ZONE).first()
    page = client.get(province.get_absolute_url()).content.decode()
    assert '<option value="dac_khu">Đặc khu</option>' in page


@pytest.mark.django_db
def test_the_default_note_shows_under_a_divided_unit_with_a_default(client):
    full = client.get(reverse("convert"), {"q": "quan hoa"}).content.decode()
    fragment = client.get(reverse("convert"), {"q": "quan hoa"}, **HTMX).content.decode()
    for page in (full, fragment):
        assert '<span class="tag">mặc định</span>' in page
        assert DEFAULT_NOTE in page


@pytest.mark.django_db
def test_no_default_note_under_results_that_have_no_default(client):
    page = client.get(reverse("convert"), {"q": "00001"}).content.decode()
    assert "Phường Phúc Xá" in page
    assert "mặc định" not in page.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/tra-cuu/?q=quan+hoa", "/thu-tuc/?q=khai+sinh", f"{PROCEDURE_PAGE}?don_vi=00166"]
)
def test_pages_without_a_map_load_no_leaflet(client, url):
    page = client.get(url).content.decode().lower()
    assert "leaflet" not in page
    assert "unit_map.js" not in page


@pytest.mark.django_db
def test_the_unit_page_names_leaflet_for_its_map_script_to_fetch_when_needed(client, cau_giay):
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    script = re.search(r'<script src="/static/js/unit_map\.js" defer[^>]*>', page).group(0)
    assert 'data-leaflet-js="/static/vendor/leaflet/leaflet.js"' in script
    assert 'data-leaflet-css="/static/vendor/leaflet/leaflet.css"' in script
    # The marker's files by name, never guessed from leaflet.css (lost under hx-boost).
    assert 'data-icon="/static/vendor/leaflet/images/marker-icon.png"' in script
    assert 'data-icon-retina="/static/vendor/leaflet/images/marker-icon-2x.png"' in script
    assert 'data-shadow="/static/vendor/leaflet/images/marker-shadow.png"' in script
    # Not loaded up front: 42 KB of script would take a phone's page over its budget.
    assert '<script src="/static/vendor/leaflet/leaflet.js"' not in page
    assert '<link rel="stylesheet" href="/static/vendor/leaflet' not in page


@pytest.mark.django_db
def test_the_map_is_a_figure_whose_caption_is_the_text_fallback(client, cau_giay):
    point = cau_giay.service_points.get()
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="map-figure">.*?</figure>', page, re.S).group(0)
    # No role="img" around the attribution links Leaflet puts inside (axe: nested-interactive).
    assert 'role="img"' not in page
    assert f'data-lat="{point.latitude:.6f}" data-lon="{point.longitude:.6f}"' in figure
    assert f"Toạ độ gần đúng: {point.latitude:.4f}, {point.longitude:.4f}" in figure
    assert 'href="https://www.openstreetmap.org/?mlat=' in figure
    assert (
        f'<p class="map-fallback" hidden>Không tải được bản đồ (có thể do mất mạng). '
        f"Địa chỉ: {point.address}.</p>"
    ) in figure


@pytest.mark.django_db
def test_the_header_menu_is_a_disclosure_that_needs_no_javascript(client):
    page = client.get(reverse("home")).content.decode()
    header = re.search(r'<header class="site-header">.*?</header>', page, re.S).group(0)
    menu = re.search(r'<details class="menu">.*?</details>', header, re.S).group(0)
    assert re.search(r"<summary>.*Danh mục</summary>", menu)
    nav = re.search(r'<nav aria-label="Điều hướng chính">.*?</nav>', menu, re.S).group(0)
    for name in ("convert", "procedures:search", "nearby", "about", "login"):
        assert f'href="{reverse(name)}"' in nav
    assert " hidden" not in nav and "onclick" not in page
    # The skip link is still the first thing to tab to, and goes to the content.
    body = page[page.index("<body") :]
    assert re.search(r'<body[^>]*>\s*<a class="skip-link" href="#noi-dung">', body)
    assert '<main id="noi-dung" class="wrap" tabindex="-1">' in page


@pytest.mark.django_db
def test_the_focus_script_is_loaded_once_from_the_head(client):
    page = client.get(reverse("home")).content.decode()
    head = page[: page.index("</head>")]
    assert '<script src="/static/js/focus.js" defer></script>' in head
    assert page.count("js/focus.js") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "answer_id"),
    [("/tra-cuu/?q=quan+hoa", "results"), ("/thu-tuc/?q=khai+sinh", "results"), ("/", "unit-list")],
)
def test_search_answers_can_take_focus_after_a_boosted_submit(client, url, answer_id):
    """static/js/focus.js moves focus to [data-results] once a sent search is swapped in."""
    container = f'<div id="{answer_id}" aria-live="polite" data-results tabindex="-1">'
    assert container in client.get(url).content.decode()
    assert container in client.get(url, **HTMX).content.decode()


@pytest.mark.django_db
def test_checkboxes_sit_in_a_label_beside_their_text(client):
    page = client.get(f"{PROCEDURE_PAGE}?don_vi=00166").content.decode()
    assert '<li><label class="check"><input type="checkbox"><span>' in page
    search = client.get("/thu-tuc/").content.decode()
    assert re.search(
        r'<label class="check"><input type="checkbox" name="moved" id="id_moved"><span>', search
    )
