"""The public API under /api/v1/: its schema and docs, each operation, paging, caching
headers, CORS, the per-client limit and one error shape for whatever a client sends."""

import json

import pytest

from procedures.models import Procedure, Status
from tests.portal.test_production_bounds import database_down  # noqa: F401 (a fixture)
from wards.models import ServicePoint, Unit

API = "/api/v1"


def get(client, path, params=None, **headers):
    return client.get(f"{API}{path}", params or {}, **headers)


@pytest.mark.django_db
def test_the_openapi_schema_lists_every_operation(client):
    schema = get(client, "/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/convert",
        "/api/v1/convert/batch",
        "/api/v1/provinces",
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/service-points",
        "/api/v1/service-points/{point_id}",
        "/api/v1/procedures",
        "/api/v1/procedures/{slug}",
    } <= paths


@pytest.mark.django_db
def test_the_docs_page_loads_nothing_from_outside(client):
    page = get(client, "/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.mark.django_db
def test_provinces_are_the_34_with_their_unit_counts(client):
    body = get(client, "/provinces").json()
    assert body["count"] == 34
    hanoi = next(p for p in body["results"] if p["code"] == "01")
    assert hanoi["unit_count"] == 126


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Nghĩa Đô", "nghia do", "NGHIA DO"])
def test_units_are_found_with_or_without_diacritics(client, typed):
    body = get(client, "/units", {"province": "01", "q": typed}).json()
    assert [unit["code"] for unit in body["results"]] == ["00160"]


@pytest.mark.django_db
def test_units_filter_by_type_and_page_through_all_in_a_stable_order(client):
    first = get(client, "/units", {"province": "01", "type": "phuong", "page_size": 20}).json()
    assert first["count"] == 51
    codes, page = [u["code"] for u in first["results"]], first
    while page["next"]:
        page = client.get(page["next"]).json()
        codes += [u["code"] for u in page["results"]]
    assert codes == sorted(codes) and len(set(codes)) == 51


@pytest.mark.django_db
def test_one_unit_has_its_former_units_service_points_and_notices(client, cau_giay):
    from wards.models import NoticeKind
    from wards.services.staff_edits import notice_publish

    notice_publish(
        unit=cau_giay,
        kind=NoticeKind.GENERAL,
        title="Lịch tiếp dân",
        body="<p>Thứ Bảy</p>",
        ends_on=None,
        user=None,
    )
    body = get(client, "/units/00166").json()
    assert body["full_name"] == "Phường Cầu Giấy"
    assert body["former_units"] and all("is_default" in f for f in body["former_units"])
    assert body["service_points"][0]["unit"] == "00166"
    assert [n["title"] for n in body["notices"]] == ["Lịch tiếp dân"]


@pytest.mark.django_db
def test_an_unknown_phone_is_null_never_a_guess(client, cau_giay):
    ServicePoint.objects.filter(unit=cau_giay).update(phone="")
    point = get(client, "/units/00166").json()["service_points"][0]
    assert point["phone"] is None


@pytest.mark.django_db
def test_service_points_near_a_place_come_nearest_first_with_their_distance(client):
    body = get(client, "/service-points", {"near": "21.0362,105.7906", "page_size": 5}).json()
    distances = [p["distance_km"] for p in body["results"]]
    assert distances == sorted(distances) and distances[0] < 3


@pytest.mark.django_db
def test_open_now_lists_only_points_open_now(client, cau_giay):
    body = get(client, "/service-points", {"open_now": "true", "page_size": 200}).json()
    assert all(p["open_status"]["is_open"] for p in body["results"])


@pytest.mark.django_db
def test_one_service_point_tells_whether_it_is_open_at_a_given_time(client, cau_giay):
    from datetime import time

    from wards.services.staff_edits import IntervalInput, weekly_hours_replace

    point = ServicePoint.objects.filter(unit=cau_giay).order_by("pk").first()
    week = [IntervalInput(day, time(8), time(17)) for day in range(5)]
    weekly_hours_replace(point_id=point.pk, seen_version=point.version, intervals=week, user=None)
    monday_ten = get(client, f"/service-points/{point.pk}", {"at": "2026-11-30T10:00:00+07:00"})
    sunday = get(client, f"/service-points/{point.pk}", {"at": "2026-11-29T10:00:00+07:00"})
    assert monday_ten.json()["open_status"]["is_open"] is True
    assert sunday.json()["open_status"]["is_open"] is False
    assert len(monday_ten.json()["weekly_hours"]) == 5


@pytest.mark.django_db
def test_procedures_search_without_diacritics_and_one_in_full(client):
    found = get(client, "/procedures", {"q": "dang ky khai sinh"}).json()
    assert found["results"][0]["slug"] == "dang-ky-khai-sinh"
    full = get(client, "/procedures/dang-ky-khai-sinh").json()
    assert full["name"] == "Đăng ký khai sinh" and full["documents"]


@pytest.mark.django_db
def test_a_draft_procedure_is_not_there(client):
    Procedure.objects.filter(slug="dang-ky-khai-sinh").update(status=Status.DRAFT)
    response = get(client, "/procedures/dang-ky-khai-sinh")
    assert response.status_code == 404 and response.json()["error"]


@pytest.mark.django_db
def test_batch_conversion_answers_each_address_in_order(client):
    addresses = ["Phường Quan Hoa, Quận Cầu Giấy", "", "phuc xa ba dinh"] * 3
    response = client.post(
        f"{API}/convert/batch", json.dumps({"addresses": addresses}), "application/json"
    )
    results = response.json()["results"]
    assert response.status_code == 200 and len(results) == 9
    assert results[0]["results"][0]["old"]["name"] == "Phường Quan Hoa"
    assert results[1]["results"] is None and results[1]["error"]
    assert results[2]["results"][0]["old"]["name"] == "Phường Phúc Xá"


@pytest.mark.django_db
def test_a_batch_of_more_than_a_thousand_is_refused(client):
    body = json.dumps({"addresses": ["quan hoa"] * 1001})
    response = client.post(f"{API}/convert/batch", body, "application/json")
    assert response.status_code == 400 and response.json()["error"]


@pytest.mark.django_db
def test_the_conversion_keeps_its_url_and_shape(client):
    body = get(client, "/convert", {"q": "Phường Phúc Xá, Quận Ba Đình, Hà Nội"}).json()
    assert set(body) == {"query", "results"}
    assert set(body["results"][0]) == {"old", "divided", "new"}


@pytest.mark.django_db
def test_an_answer_the_client_holds_is_not_sent_again(client):
    first = get(client, "/units/00166")
    assert first["Cache-Control"] == "public, max-age=300"
    again = get(client, "/units/00166", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""


@pytest.mark.django_db
def test_a_procedure_can_be_revalidated_by_its_last_change(client):
    first = get(client, "/procedures/dang-ky-khai-sinh")
    again = get(
        client, "/procedures/dang-ky-khai-sinh", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert again.status_code == 304


@pytest.mark.django_db
def test_any_web_page_may_read_the_api(client):
    response = get(client, "/units/00166", HTTP_ORIGIN="https://toasoan.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{API}/convert/batch",
        HTTP_ORIGIN="https://toasoan.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight.status_code == 200 and "POST" in preflight["Access-Control-Allow-Methods"]


@pytest.mark.django_db
def test_a_client_over_its_limit_gets_429_with_retry_after(client, settings):
    settings.API_RATE_PER_IP = "3/m"
    statuses = [get(client, "/provinces", REMOTE_ADDR="203.0.113.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = get(client, "/provinces", REMOTE_ADDR="203.0.113.9")
    assert 1 <= int(limited["Retry-After"]) <= 60 and limited.json()["error"]
    assert get(client, "/provinces", REMOTE_ADDR="203.0.113.10").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/units?page=0",
        "/units?page=abc",
        "/units?page_size=100000",
        "/units?type=tinh",
        "/units?province=" + "9" * 50,
        "/units/" + "x" * 500,
        "/service-points?near=abc",
        "/service-points?near=91,200",
        "/service-points?near=nan,nan",
        "/service-points/0",
        "/service-points/99999999999999999999",
        "/service-points/1?at=năm-ngoái",
        "/service-points/1?at=9999-01-01T00:00:00",
        "/procedures?q=" + "x" * 5000,
        "/procedures/%00",
        "/convert?q=%00",
        "/convert?limit=-1&q=a",
    ],
)
def test_whatever_a_client_sends_gets_an_error_in_one_shape_never_a_500(client, path):
    response = client.get(f"{API}{path}")
    assert 400 <= response.status_code < 500, path
    assert isinstance(response.json()["error"], str)


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["not json", "[]", '{"addresses": "abc"}', '{"addresses": [1]}'])
def test_a_bad_batch_body_is_a_400_in_the_same_shape(client, body):
    response = client.post(f"{API}/convert/batch", body, "application/json")
    assert response.status_code == 400 and isinstance(response.json()["error"], str)


@pytest.mark.django_db
def test_unit_count_is_every_unit(client):
    assert get(client, "/units").json()["count"] == Unit.objects.count()


@pytest.mark.django_db
def test_an_answer_is_kept_until_the_data_changes(client, cau_giay):
    from wards.services.staff_edits import service_point_update

    assert get(client, "/units/00166")["X-Page-Cache"] == "miss"
    assert get(client, "/units/00166")["X-Page-Cache"] == "hit"
    point = ServicePoint.objects.filter(unit=cau_giay).order_by("pk").first()
    service_point_update(
        point_id=point.pk, seen_version=point.version, fields={"phone": "024 3333 4444"}, user=None
    )
    fresh = get(client, "/units/00166")
    assert fresh["X-Page-Cache"] == "miss"
    assert fresh.json()["service_points"][0]["phone"] == "024 3333 4444"


@pytest.fixture
def answered_once(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        assert Client().get(f"{API}/units/00166").status_code == 200


def test_with_the_database_down_the_last_answer_is_served(
    answered_once,
    database_down,  # noqa: F811 (the fixture imported above)
):
    from django.test import Client

    response = Client().get(f"{API}/units/00166")
    assert response.status_code == 200 and response.json()["code"] == "00166"
    assert Client().get(f"{API}/units/00004").status_code == 503  # never asked before


@pytest.mark.django_db
def test_with_redis_down_the_api_limit_lets_requests_through(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.API_RATE_PER_IP = "1/m"
    assert [get(client, "/provinces").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
def test_a_generous_limit_counted_in_batches_still_stops_at_its_number(client, settings):
    from portal.api_limit import Rate, seconds_over_limit

    rate = Rate.parse("1000/d")  # one window for the whole test
    answers = [seconds_over_limit(group="t", client="198.51.100.1", rate=rate) for _ in range(1001)]
    assert answers[:1000] == [None] * 1000 and answers[1000] is not None
