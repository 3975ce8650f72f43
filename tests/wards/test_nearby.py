from datetime import datetime, time
from types import SimpleNamespace

import pytest
from django.urls import reverse

from wards import views_nearby
from wards.models import ServicePoint, WeeklyHours
from wards.nearby import distance_km, service_points_nearest
from wards.opening import TIME_ZONE

HTMX = {"HTTP_HX_REQUEST": "true"}
HOAN_KIEM_LAKE = {"latitude": 21.0287, "longitude": 105.8524}
# A Wednesday that is no public holiday, mid-morning.
WEDNESDAY_MORNING = datetime(2025, 7, 9, 10, 0, tzinfo=TIME_ZONE)


def test_distance_is_the_great_circle_distance_in_km():
    assert distance_km(21.0, 105.0, 21.0, 105.0) == 0
    # One degree of latitude is about 111 km.
    assert distance_km(21.0, 105.0, 22.0, 105.0) == pytest.approx(111.2, abs=0.1)


@pytest.mark.django_db
def test_nearest_point_to_hoan_kiem_lake_is_hoan_kiem_ward_and_the_rest_follow_by_distance():
    found = service_points_nearest(**HOAN_KIEM_LAKE, now=WEDNESDAY_MORNING)
    assert len(found) == 10
    assert found[0].point.unit.code == "00070"  # Phường Hoàn Kiếm
    assert found[0].distance_km == pytest.approx(0.44, abs=0.05)
    distances = [near.distance_km for near in found]
    assert distances == sorted(distances)
    assert not any(near.status.known for near in found)  # no hours loaded: unknown, not closed


@pytest.mark.django_db
def test_open_points_come_before_nearer_closed_ones():
    nearest = service_points_nearest(**HOAN_KIEM_LAKE, now=WEDNESDAY_MORNING, limit=4)
    open_one, closed_one = nearest[2].point, nearest[0].point
    WeeklyHours.objects.create(
        service_point=open_one, weekday=2, opens=time(7, 30), closes=time(11, 30)
    )
    WeeklyHours.objects.create(
        service_point=closed_one, weekday=2, opens=time(13, 30), closes=time(17)
    )
    found = service_points_nearest(**HOAN_KIEM_LAKE, now=WEDNESDAY_MORNING, limit=4)
    assert found[0].point == open_one
    assert found[0].status.is_open
    assert found[0].status.closes_at == datetime(2025, 7, 9, 11, 30, tzinfo=TIME_ZONE)
    assert found[1].point == closed_one
    assert not found[1].status.is_open and found[1].status.known
    assert [near.point for near in found[1:]] == [
        near.point for near in nearest if near.point != open_one
    ]


@pytest.mark.django_db
def test_inactive_points_and_points_without_coordinates_are_left_out():
    first = service_points_nearest(**HOAN_KIEM_LAKE, now=WEDNESDAY_MORNING, limit=2)
    ServicePoint.objects.filter(pk=first[0].point.pk).update(is_active=False)
    ServicePoint.objects.filter(pk=first[1].point.pk).update(latitude=None, longitude=None)
    found = service_points_nearest(**HOAN_KIEM_LAKE, now=WEDNESDAY_MORNING, limit=2)
    assert {near.point.pk for near in found}.isdisjoint(near.point.pk for near in first)


@pytest.mark.django_db
def test_a_remote_island_still_gets_its_nearest_points():
    # Trường Sa: no other point within the search box, so every point is ranked.
    found = service_points_nearest(latitude=9.71, longitude=114.45, now=WEDNESDAY_MORNING)
    assert len(found) == 10
    assert found[0].point.unit.name == "Trường Sa"
    assert found[1].distance_km > 300


@pytest.mark.django_db
def test_page_without_a_position_shows_the_button_and_the_unit_list(client):
    page = client.get(reverse("nearby")).content.decode()
    assert "<h1>Điểm phục vụ gần tôi</h1>" in page
    assert 'id="locate-button" hidden>Dùng vị trí của tôi</button>' in page
    assert 'src="/static/js/nearby.js" defer' in page
    assert page.count("<option value=") == 1 + 126  # the empty choice, then Hà Nội's units
    assert '<option value="" selected>— Chọn phường, xã —</option>' in page
    assert 'action="/gan-toi/"' in page and 'hx-get="/gan-toi/"' in page
    assert 'role="alert"' not in page


@pytest.mark.django_db
def test_nav_links_to_the_page(client):
    assert 'href="/gan-toi/"' in client.get(reverse("about")).content.decode()


@pytest.mark.django_db
def test_page_with_coordinates_lists_the_nearest_with_distance_status_and_unit_link(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("nearby"), {"lat": "21.0287", "lon": "105.8524"})
    page = response.content.decode()
    assert "<html" in page
    assert "Gần vị trí của bạn" in page
    first = page.index("<li>", page.index('class="nearby-results"'))
    assert "Điểm phục vụ hành chính công Phường Hoàn Kiếm" in page[first : first + 300]
    assert '<strong class="distance">0,4 km</strong>' in page
    assert 'href="/don-vi/ha-noi/phuong-hoan-kiem/"' in page
    assert "Số 126 Hàng Trống, phường Hoàn Kiếm" in page
    assert 'Giờ làm việc: <span class="unverified">chưa xác minh</span>' in page
    assert page.count("<li>", first) >= 10


@pytest.mark.django_db
def test_page_shows_open_status_with_closing_time(client, monkeypatch):
    clock = SimpleNamespace(localtime=lambda: WEDNESDAY_MORNING)
    monkeypatch.setattr(views_nearby, "timezone", clock)
    point = ServicePoint.objects.get(unit__code="00070")
    WeeklyHours.objects.create(
        service_point=point, weekday=2, opens=time(7, 30), closes=time(11, 30)
    )
    page = client.get(reverse("nearby"), {"lat": "21.0287", "lon": "105.8524"}).content.decode()
    assert "<strong>Đang mở cửa</strong> — đóng lúc 11:30" in page


@pytest.mark.django_db
def test_picking_a_unit_measures_from_its_service_point(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("nearby"), {"don_vi": "00070"}).content.decode()
    assert "Gần nơi làm thủ tục của Phường Hoàn Kiếm" in page
    assert '<strong class="distance">0,0 km</strong>' in page
    assert '<option value="00070" selected>Phường Hoàn Kiếm</option>' in page


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get(reverse("nearby"), {"lat": "21.0287", "lon": "105.8524"}, **HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<div id="results"')
    assert "Phường Hoàn Kiếm" in fragment
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_boosted_navigation_gets_the_whole_page(client):
    response = client.get(reverse("nearby"), HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    assert "<html" in response.content.decode()
    assert "HX-Boosted" in response["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lat": "abc", "lon": "105.85"}, "Vĩ độ phải là một số từ -90 đến 90."),
        ({"lat": "200", "lon": "105.85"}, "Vĩ độ phải là một số từ -90 đến 90."),
        ({"lat": "21.03", "lon": "nan"}, "Kinh độ phải là một số từ -180 đến 180."),
        ({"lat": "48.8566", "lon": "2.3522"}, "nằm ngoài Việt Nam"),  # Paris
        ({"lat": "21.03"}, "Thiếu vĩ độ hoặc kinh độ."),
        ({"don_vi": "99999"}, "Không có phường, xã này ở Hà Nội."),
        ({"don_vi": "26732"}, "Không có phường, xã này ở Hà Nội."),  # Côn Đảo
        ({"lat": "", "lon": ""}, "Hãy bấm “Dùng vị trí của tôi” hoặc chọn phường, xã"),
        ({"don_vi": ""}, "Hãy bấm “Dùng vị trí của tôi” hoặc chọn phường, xã"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_bad_input_gets_a_clear_error_not_a_server_error(client, query, message, headers):
    response = client.get(reverse("nearby"), query, **headers)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<p class="error" role="alert">' in page
    assert message in page
    assert 'class="nearby-results"' not in page


@pytest.mark.django_db
def test_a_point_on_the_islands_is_in_vietnam(client):
    page = client.get(reverse("nearby"), {"lat": "9.71", "lon": "114.45"}).content.decode()
    assert 'role="alert"' not in page
    assert "Đặc khu Trường Sa" in page


@pytest.mark.django_db
def test_post_is_refused(client):
    assert client.post(reverse("nearby")).status_code == 405
