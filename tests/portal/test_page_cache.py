"""Public pages come from the shared cache for visitors without a session, are renewed by
the change that makes them old, and outlive a database that is down."""

import datetime as dt
import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from portal.page_cache import page_changes_at, scope_unit_path, scopes_bump, shared_page
from procedures.models import Procedure
from procedures.services import procedures_set_status
from tests.portal.test_production_bounds import database_down  # noqa: F401 (a fixture)
from wards.models import NoticeKind, ServicePoint, ServicePointKind
from wards.service_point_display import next_change, service_point_views
from wards.services.staff_edits import (
    IntervalInput,
    notice_publish,
    notice_withdraw,
    service_point_update,
    weekly_hours_replace,
)

UNIT_PAGE = "/don-vi/ha-noi/phuong-cau-giay/"
PROCEDURE_PAGE = "/thu-tuc/dang-ky-khai-sinh/"


def csrf_token_in(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", [UNIT_PAGE, PROCEDURE_PAGE, "/thu-tuc/?q=khai+sinh", "/tra-cuu/?q=quan+hoa"]
)
def test_a_second_visit_is_served_from_the_cache(client, path):
    first, second = client.get(path), Client().get(path)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content.decode().count("<main") == 1


@pytest.mark.django_db
def test_each_visitor_of_a_cached_page_gets_a_token_that_their_form_passes_with(cau_giay):
    Client().get(UNIT_PAGE)
    resident = Client(enforce_csrf_checks=True)
    page = resident.get(UNIT_PAGE)
    assert page["X-Page-Cache"] == "hit"
    assert "csrf-token-placeholder" not in page.content.decode()
    subscribe = resident.post(
        "/thong-bao/dang-ky/",
        {
            "email": "nguoidan@example.com",
            "don_vi": "00166",
            "csrfmiddlewaretoken": csrf_token_in(page),
        },
    )
    assert subscribe.status_code == 200


@pytest.mark.django_db
def test_a_change_to_a_service_point_shows_at_once(client, cau_giay):
    point = ServicePoint.objects.filter(unit=cau_giay).order_by("pk").first()
    assert "024 9999 1234" not in client.get(UNIT_PAGE).content.decode()
    service_point_update(
        point_id=point.pk, seen_version=point.version, fields={"phone": "024 9999 1234"}, user=None
    )
    page = client.get(UNIT_PAGE)
    assert page["X-Page-Cache"] == "miss" and "024 9999 1234" in page.content.decode()


@pytest.mark.django_db
def test_a_withdrawn_notice_leaves_the_page_at_once(client, cau_giay):
    notice = notice_publish(
        unit=cau_giay,
        kind=NoticeKind.GENERAL,
        title="Nghỉ họp tổ dân phố",
        body="Nội dung",
        ends_on=None,
        user=None,
    )
    assert "Nghỉ họp tổ dân phố" in client.get(UNIT_PAGE).content.decode()
    notice_withdraw(notice=notice, user=None)
    assert "Nghỉ họp tổ dân phố" not in client.get(UNIT_PAGE).content.decode()


@pytest.mark.django_db
def test_a_withdrawn_procedure_is_gone_at_once(client):
    assert client.get(PROCEDURE_PAGE).status_code == 200
    procedures_set_status(
        procedures=Procedure.objects.filter(slug="dang-ky-khai-sinh"), status="draft", user=None
    )
    assert client.get(PROCEDURE_PAGE).status_code == 404


@pytest.mark.django_db
def test_where_to_file_follows_a_change_to_the_chosen_units_point(client, cau_giay):
    path = f"{PROCEDURE_PAGE}?don_vi=00166"
    client.get(path)
    point = ServicePoint.objects.filter(
        unit=cau_giay, kind=ServicePointKind.PUBLIC_ADMINISTRATIVE
    ).first()
    service_point_update(
        point_id=point.pk, seen_version=point.version, fields={"phone": "024 9999 5678"}, user=None
    )
    assert "024 9999 5678" in client.get(path).content.decode()


@pytest.mark.django_db
def test_a_stored_page_is_served_no_longer_than_the_view_says_it_is_true(rf):
    renders = []

    @shared_page(lambda request: ["a-test-page"])
    def page(request):
        renders.append(timezone.now())
        page_changes_at(request, timezone.now() + timedelta(seconds=1))  # a point closes
        return HttpResponse("<main>Đang mở cửa</main>")

    page(rf.get("/trang-thu/"))
    page(rf.get("/trang-thu/"))
    assert len(renders) == 1
    time.sleep(1.2)
    page(rf.get("/trang-thu/"))
    assert len(renders) == 2


@pytest.mark.django_db
def test_the_unit_page_changes_when_a_point_next_opens_or_closes_or_at_midnight(cau_giay):
    point = ServicePoint.objects.filter(unit=cau_giay).order_by("pk").first()
    monday_to_friday = [IntervalInput(day, dt.time(8), dt.time(17)) for day in range(5)]
    weekly_hours_replace(
        point_id=point.pk, seen_version=point.version, intervals=monday_to_friday, user=None
    )
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    points = ServicePoint.objects.filter(pk=point.pk)
    monday_morning = dt.datetime(2026, 11, 30, 9, 15, tzinfo=tz)
    assert next_change(service_point_views(points, monday_morning), monday_morning) == (
        dt.datetime(2026, 11, 30, 17, 0, tzinfo=tz)
    )
    monday_evening = dt.datetime(2026, 11, 30, 20, 0, tzinfo=tz)
    assert next_change(service_point_views(points, monday_evening), monday_evening) == (
        dt.datetime(2026, 12, 1, 0, 0, tzinfo=tz)
    )


@pytest.mark.django_db
def test_staff_with_a_session_always_get_a_page_of_their_own(client, cau_giay_editor):
    Client().get(UNIT_PAGE)
    client.force_login(cau_giay_editor)
    page = client.get(UNIT_PAGE)
    assert "X-Page-Cache" not in page and "Trang cán bộ" in page.content.decode()


@pytest.mark.django_db
def test_with_the_page_cache_down_pages_are_rendered(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    page = client.get(UNIT_PAGE)
    assert page.status_code == 200 and "X-Page-Cache" not in page


@pytest.fixture
def cached_unit_page(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert Client().get(UNIT_PAGE).status_code == 200


def test_with_the_database_down_a_cached_page_is_served_with_a_warning(
    cached_unit_page,
    database_down,  # noqa: F811 (the fixture imported above)
):
    page = Client().get(UNIT_PAGE)
    assert page.status_code == 200 and page["X-Page-Cache"] == "hit"
    never_rendered = Client().get(UNIT_PAGE + "?lan-dau=1")
    assert never_rendered.status_code == 503  # nothing to fall back on


def test_with_the_database_down_an_old_copy_says_when_it_was_saved(
    cached_unit_page,
    database_down,  # noqa: F811 (the fixture imported above)
):
    # A change was announced, and the database went down before anyone saw the new page.
    scopes_bump([scope_unit_path("ha-noi", "phuong-cau-giay")])
    page = Client().get(UNIT_PAGE)
    assert page.status_code == 200 and page["X-Page-Cache"] == "stale"
    assert "Đây là bản lưu lúc" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["00 166", "<script>", "đơn vị" * 5, "\t\n", "%00"])
def test_whatever_a_visitor_types_as_a_unit_makes_a_valid_cache_key(client, typed):
    assert client.get(PROCEDURE_PAGE, {"don_vi": typed}).status_code == 200
    assert client.get(PROCEDURE_PAGE, {"don_vi": typed})["X-Page-Cache"] == "hit"
