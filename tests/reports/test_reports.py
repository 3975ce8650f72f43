"""Residents report wrong information; the keepers of that fact hear of it and answer once."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from portal.reports.models import Report, ReportStatus
from portal.reports.services import report_reply, report_staff_notify
from procedures.services import CATALOGUE_EDITORS
from tests.factories import UserFactory
from wards.models import ServicePoint

URL = reverse("reports:report")
TEXT = "Số điện thoại ghi trên trang không gọi được, số đúng là 024 1234 5678."


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caches["ratelimit"].clear()  # the rate limit's counters
    return mail.outbox


@pytest.fixture
def point(cau_giay) -> ServicePoint:
    return ServicePoint.objects.get(unit=cau_giay)


def send(client, target: dict, **data):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {**target, "what_is_wrong": TEXT, **data})


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["unit", "procedure"])
def test_every_unit_and_procedure_page_links_to_the_report_form(client, cau_giay, point, page):
    if page == "unit":
        html = client.get(cau_giay.get_absolute_url()).content.decode()
        assert f"?diem={point.pk}" in html and "?don_vi=00166" in html
    else:
        html = client.get(reverse("procedures:detail", args=["dang-ky-khai-sinh"])).content.decode()
        assert "?thu_tuc=dang-ky-khai-sinh" in html
    assert "Báo thông tin sai" in html


@pytest.mark.django_db
def test_a_report_reaches_the_units_staff_once_and_the_reporter_hears_back_once(
    client, point, cau_giay, cau_giay_editor, ba_dinh_editor, outbox
):
    response = send(client, {"diem": point.pk}, email="Nguoi.Dan@Example.vn")
    assert response.status_code == 200 and "Cảm ơn bạn" in response.content.decode()
    report = Report.objects.get()
    assert (report.unit, report.service_point, report.email) == (
        cau_giay,
        point,
        "nguoi.dan@example.vn",
    )
    (to_staff,) = outbox
    assert to_staff.bcc == [cau_giay_editor.email] and TEXT in to_staff.body
    assert "/can-bo/bao-sai/" in to_staff.body
    assert report_staff_notify(report_id=report.pk) is False  # a second run sends nothing

    client.force_login(cau_giay_editor)
    queue = client.get(reverse("reports_staff:queue")).content.decode()
    assert TEXT in queue and "Chưa xử lý" in queue
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert "Người dân báo 1 thông tin sai" in dashboard

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(
            reverse("reports_staff:resolve", args=[report.pk]),
            {"status": "da_sua", "staff_note": "Đã sửa số điện thoại."},
        )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (ReportStatus.FIXED, cau_giay_editor)
    reply = outbox[-1]
    assert reply.to == ["nguoi.dan@example.vn"] and "Đã sửa số điện thoại." in reply.body
    assert report_reply(report_id=report.pk) is False
    assert len(outbox) == 2


@pytest.mark.django_db
def test_staff_of_another_unit_neither_see_nor_resolve_the_report(client, point, ba_dinh_editor):
    send(client, {"diem": point.pk})
    report = Report.objects.get()
    client.force_login(ba_dinh_editor)
    assert TEXT not in client.get(reverse("reports_staff:queue")).content.decode()
    response = client.post(reverse("reports_staff:resolve", args=[report.pk]), {"status": "da_sua"})
    assert response.status_code == 404
    assert Report.objects.get().status == ReportStatus.OPEN


@pytest.mark.django_db
def test_the_staff_queue_needs_a_login(client):
    assert client.get(reverse("reports_staff:queue")).status_code == 302


@pytest.mark.django_db
def test_a_procedure_report_goes_to_the_catalogue_editors(client, outbox):
    editor = UserFactory(email="bien.tap@example.vn", is_staff=True)
    editor.groups.add(Group.objects.get(name=CATALOGUE_EDITORS))
    send(client, {"thu_tuc": "dang-ky-khai-sinh"})
    report = Report.objects.get()
    assert report.procedure.slug == "dang-ky-khai-sinh" and report.unit is None
    (message,) = outbox
    assert message.bcc == ["bien.tap@example.vn"] and "/quan-tri/reports/report/" in message.body
    client.force_login(editor)
    admin_list = client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert "Đăng ký khai sinh" in admin_list


@pytest.mark.django_db
def test_a_filled_trap_field_stores_nothing_and_looks_the_same(client, cau_giay, outbox):
    response = send(client, {"don_vi": "00166"}, website="http://spam.example")
    assert response.status_code == 200 and "Cảm ơn bạn" in response.content.decode()
    assert not Report.objects.exists() and outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what_is_wrong": ""}, "Hãy viết thông tin nào sai."),
        ({"what_is_wrong": "sai"}, "ít nhất 10 ký tự"),
        ({"what_is_wrong": "x" * 2001}, "dài quá 2000 ký tự"),
        ({"email": "khong-phai-thu"}, "địa chỉ email"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_stores_nothing(client, cau_giay, data, message):
    response = send(client, {"don_vi": "00166"}, **data)
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    if data.get("what_is_wrong", "x").startswith("x"):
        assert "khong-phai-thu" in page or "x" * 50 in page  # what was typed comes back
    assert not Report.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [{}, {"don_vi": "99999"}, {"diem": "123456789012345"}, {"thu_tuc": "khong-co"}, {"diem": "x"}],
)
def test_a_report_about_nothing_known_is_a_clear_400(client, query):
    response = client.get(URL, query)
    assert response.status_code == 400 and "Không rõ bạn muốn báo" in response.content.decode()


@pytest.mark.django_db
def test_reports_are_rate_limited_per_client_with_a_429(client, cau_giay, settings):
    settings.REPORT_RATE_PER_IP = "2/h"
    assert send(client, {"don_vi": "00166"}).status_code == 200
    assert send(client, {"don_vi": "00166"}).status_code == 200
    limited = send(client, {"don_vi": "00166"})
    assert limited.status_code == 429 and "thử lại sau một giờ" in limited.content.decode()
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_report_form_page_is_vietnamese_and_labelled(client, point):
    page = client.get(URL, {"diem": point.pk}).content.decode()
    assert point.name in page
    assert 'for="id_what_is_wrong"' in page and 'for="id_email"' in page
    assert 'aria-hidden="true"' in page  # the trap field is hidden from screen readers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data", [{"status": "xoa"}, {"status": "da_sua", "staff_note": "x" * 501}, {}]
)
def test_a_bad_resolution_is_a_400_and_leaves_the_report_open(client, point, cau_giay_editor, data):
    send(client, {"diem": point.pk})
    report = Report.objects.get()
    client.force_login(cau_giay_editor)
    response = client.post(reverse("reports_staff:resolve", args=[report.pk]), data)
    assert response.status_code == 400
    assert Report.objects.get().status == ReportStatus.OPEN
