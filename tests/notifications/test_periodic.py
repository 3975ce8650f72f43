"""The scheduled jobs: weekly digest, staff reminders, the online-link check, the schedules."""

import threading
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from portal.downloads import tasks as downloads_tasks
from portal.notifications import periodic, tasks
from portal.notifications.models import (
    DigestSend,
    Event,
    EventKind,
    Frequency,
    ReminderReason,
    StaffReminder,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from procedures.models import Field, Level, LinkState, OnlineLinkCheck, Procedure, Status
from tests.factories import StaffMembershipFactory
from wards.models import WeeklyHours

TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday())
LAST_MONDAY = MONDAY - timedelta(days=7)


def _at(day, hour=10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _event(title: str, when: datetime, *, unit=None, procedure=None) -> Event:
    event = Event.objects.create(
        kind=EventKind.NOTICE_PUBLISHED if unit else EventKind.PROCEDURE_CHANGED,
        unit=unit,
        procedure=procedure,
        title=title,
        path="/trang/",
    )
    Event.objects.filter(pk=event.pk).update(created_at=when)
    return event


def _follow(email: str, *, frequency=Frequency.WEEKLY, status=SubscriptionStatus.CONFIRMED, **what):
    subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"frequency": frequency})
    return Subscription.objects.create(subscriber=subscriber, status=status, **what)


@pytest.fixture
def birth_registration(db) -> Procedure:
    return Procedure.objects.get(slug="dang-ky-khai-sinh")


# The weekly digest --------------------------------------------------------------------------


@pytest.mark.django_db
def test_digest_holds_last_weeks_events_of_followed_things_only(
    cau_giay, ba_dinh, birth_registration, mailoutbox
):
    _follow("tuan@example.com", unit=cau_giay)
    _follow("tuan@example.com", procedure=birth_registration)
    _event("Cầu Giấy nghỉ lễ", _at(LAST_MONDAY + timedelta(days=2)), unit=cau_giay)
    _event("Khai sinh đổi lệ phí", _at(LAST_MONDAY), procedure=birth_registration)
    _event("Ba Đình đổi giờ", _at(LAST_MONDAY + timedelta(days=1)), unit=ba_dinh)
    _event("Cầu Giấy tuần này", _at(MONDAY, hour=0), unit=cau_giay)
    _event("Cầu Giấy tuần trước nữa", _at(LAST_MONDAY - timedelta(days=1), 23), unit=cau_giay)

    assert periodic.weekly_digest_send(today=TODAY) == 1

    [message] = mailoutbox
    assert message.to == ["tuan@example.com"]
    assert LAST_MONDAY.strftime("%d/%m/%Y") in message.subject
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "Cầu Giấy nghỉ lễ" in body and "Khai sinh đổi lệ phí" in body
        assert "Ba Đình" not in body and "tuần này" not in body and "tuần trước nữa" not in body
    assert DigestSend.objects.get(week_start=LAST_MONDAY).events == 2


@pytest.mark.django_db
def test_digest_is_not_sent_to_immediate_or_unconfirmed_subscribers(cau_giay, mailoutbox):
    _follow("ngay@example.com", frequency=Frequency.IMMEDIATE, unit=cau_giay)
    _follow("chua@example.com", status=SubscriptionStatus.PENDING, unit=cau_giay)
    _follow("huy@example.com", status=SubscriptionStatus.ENDED, unit=cau_giay)
    _event("Cầu Giấy nghỉ lễ", _at(LAST_MONDAY), unit=cau_giay)

    assert periodic.weekly_digest_send(today=TODAY) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_no_digest_when_nothing_followed_changed(cau_giay, ba_dinh, mailoutbox):
    _follow("tuan@example.com", unit=cau_giay)
    _event("Ba Đình đổi giờ", _at(LAST_MONDAY), unit=ba_dinh)

    assert periodic.weekly_digest_send(today=TODAY) == 0
    assert mailoutbox == []
    assert not DigestSend.objects.exists()


@pytest.mark.django_db
def test_digest_is_sent_once_a_week(cau_giay, mailoutbox):
    _follow("tuan@example.com", unit=cau_giay)
    _event("Cầu Giấy nghỉ lễ", _at(LAST_MONDAY), unit=cau_giay)

    assert periodic.weekly_digest_send(today=TODAY) == 1
    assert periodic.weekly_digest_send(today=TODAY + timedelta(days=3)) == 0
    assert len(mailoutbox) == 1


class _Refusing(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionError("máy chủ thư không trả lời")


@pytest.mark.django_db
def test_a_failed_digest_is_sent_on_the_next_run(cau_giay, mailoutbox, monkeypatch):
    _follow("tuan@example.com", unit=cau_giay)
    _event("Cầu Giấy nghỉ lễ", _at(LAST_MONDAY), unit=cau_giay)
    monkeypatch.setattr(periodic, "get_connection", _Refusing)

    with pytest.raises(ConnectionError):
        periodic.weekly_digest_send(today=TODAY)
    assert not DigestSend.objects.exists()

    monkeypatch.undo()
    assert periodic.weekly_digest_send(today=TODAY) == 1
    assert len(mailoutbox) == 1


# Reminders to ward staff --------------------------------------------------------------------


@pytest.fixture
def points(cau_giay, ba_dinh):
    """The one real service point of each unit: never confirmed, no hours yet."""
    return cau_giay.service_points.get(), ba_dinh.service_points.get()


def _mail_about(mailoutbox, point):
    return [m for m in mailoutbox if point.name in m.subject]


@pytest.mark.django_db
def test_reminders_go_to_each_units_own_staff(
    cau_giay, points, cau_giay_editor, cau_giay_admin, ba_dinh_editor, mailoutbox
):
    StaffMembershipFactory(unit=cau_giay, user__email="")
    StaffMembershipFactory(unit=cau_giay, user__is_active=False)
    cau_giay_point, ba_dinh_point = points

    assert periodic.staff_reminders_send(today=TODAY) == 2

    [to_cau_giay] = _mail_about(mailoutbox, cau_giay_point)
    assert sorted(to_cau_giay.to) == sorted([cau_giay_editor.email, cau_giay_admin.email])
    assert "Chưa xác nhận thông tin trong 90 ngày" in to_cau_giay.body
    assert "Chưa có giờ làm việc" in to_cau_giay.body
    assert f"/can-bo/diem/{cau_giay_point.pk}/" in to_cau_giay.body
    [to_ba_dinh] = _mail_about(mailoutbox, ba_dinh_point)
    assert to_ba_dinh.to == [ba_dinh_editor.email]


@pytest.mark.django_db
def test_reminders_are_sent_once_a_week(points, cau_giay_editor, mailoutbox):
    assert periodic.staff_reminders_send(today=TODAY) == 1
    assert periodic.staff_reminders_send(today=MONDAY + timedelta(days=6)) == 0
    assert StaffReminder.objects.filter(week_start=MONDAY).count() == 2

    assert periodic.staff_reminders_send(today=MONDAY + timedelta(days=7)) == 1
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_no_reminder_for_a_point_confirmed_lately_with_hours(points, cau_giay_editor, mailoutbox):
    point = points[0]
    point.verified_at = _at(TODAY) - timedelta(days=10)
    point.save()
    WeeklyHours.objects.create(service_point=point, weekday=0, opens=time(8), closes=time(17))

    assert periodic.staff_reminders_send(today=TODAY) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_each_reason_is_reminded_on_its_own(points, cau_giay_editor, mailoutbox):
    point = points[0]
    point.verified_at = _at(TODAY) - timedelta(days=91)
    point.save()
    hours = WeeklyHours.objects.create(
        service_point=point, weekday=0, opens=time(8), closes=time(17)
    )

    assert periodic.staff_reminders_send(today=TODAY) == 1
    assert "90 ngày" in mailoutbox[0].body
    assert "Chưa có giờ làm việc" not in mailoutbox[0].body

    hours.delete()
    assert periodic.staff_reminders_send(today=TODAY) == 1
    assert "Chưa có giờ làm việc" in mailoutbox[1].body
    assert "90 ngày" not in mailoutbox[1].body
    assert set(StaffReminder.objects.values_list("reason", flat=True)) == set(ReminderReason)


# The online-service links -------------------------------------------------------------------

NOW = timezone.now()
URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1"


@pytest.fixture
def online(db) -> Procedure:
    """The one published procedure with an online link (the seed's links set aside)."""
    Procedure.objects.update(national_portal_url="")
    for slug, status, url in [
        ("nhap-co-lien-ket", Status.DRAFT, URL),
        ("khong-co-lien-ket", Status.PUBLISHED, ""),
    ]:
        Procedure.objects.create(
            name=slug,
            slug=slug,
            field=Field.CIVIL_STATUS,
            level=Level.COMMUNE,
            source="thử",
            status=status,
            national_portal_url=url,
        )
    return Procedure.objects.create(
        name="Có liên kết",
        slug="co-lien-ket",
        field=Field.CIVIL_STATUS,
        level=Level.COMMUNE,
        source="thử",
        status=Status.PUBLISHED,
        national_portal_url=URL,
    )


class FakeFetch:
    def __init__(self, *results):
        self.results = list(results)
        self.urls = []

    def __call__(self, url):
        self.urls.append(url)
        return self.results.pop(0)


def _check(fetch, times=1, at=NOW):
    for _ in range(times):
        periodic.online_links_check(fetch=fetch, now=at)
    return OnlineLinkCheck.objects.get()


@pytest.mark.django_db
def test_one_failure_is_not_yet_a_broken_link(online):
    fetch = FakeFetch((False, "HTTP 404"))

    assert periodic.online_links_check(fetch=fetch, now=NOW) == 1

    assert fetch.urls == [URL]
    check = OnlineLinkCheck.objects.get(procedure=online)
    assert (check.state, check.consecutive_failures) == (LinkState.FAILING, 1)
    assert (check.last_result, check.last_checked_at, check.last_ok_at) == ("HTTP 404", NOW, None)


@pytest.mark.django_db
def test_three_failures_in_a_row_mark_the_link_broken(online):
    fetch = FakeFetch((False, "HTTP 500"), (False, "lỗi mạng: timeout"), (False, "HTTP 404"))
    check = _check(fetch, times=2)
    assert check.state == LinkState.FAILING

    check = _check(fetch)
    assert (check.state, check.consecutive_failures) == (LinkState.BROKEN, 3)


@pytest.mark.django_db
def test_a_success_resets_a_broken_link(online):
    fetch = FakeFetch(*[(False, "HTTP 404")] * 3, (True, "HTTP 200"))
    _check(fetch, times=3)

    check = _check(fetch, at=NOW + timedelta(days=1))
    assert (check.state, check.consecutive_failures) == (LinkState.OK, 0)
    assert (check.last_result, check.last_ok_at) == ("HTTP 200", NOW + timedelta(days=1))


@pytest.mark.django_db
def test_a_new_url_starts_with_a_clean_record(online):
    fetch = FakeFetch((True, "HTTP 200"), (False, "HTTP 404"), (False, "HTTP 404"))
    _check(fetch, times=2)
    online.national_portal_url = URL.replace("=1", "=2")
    online.save()

    check = _check(fetch)
    assert check.url == online.national_portal_url
    assert (check.state, check.consecutive_failures, check.last_ok_at) == (
        LinkState.FAILING,
        1,
        None,
    )


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self._answer(405 if self.path == "/chi-get" else 404 if self.path == "/mat" else 200)

    def do_GET(self):
        self._answer(200)

    def _answer(self, status):
        assert "CongPhuongXaHaNoi" in self.headers["User-Agent"]
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site(settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True  # the test's own server is on loopback
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_link_fetch_uses_head_and_falls_back_to_get(local_site):
    assert periodic.link_fetch(local_site + "/") == (True, "HTTP 200")
    assert periodic.link_fetch(local_site + "/chi-get") == (True, "HTTP 200")
    assert periodic.link_fetch(local_site + "/mat") == (False, "HTTP 404")


def test_link_fetch_reports_a_network_error(settings):
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    ok, result = periodic.link_fetch("http://127.0.0.1:9/")
    assert not ok and result.startswith("lỗi mạng: ")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://localhost/",
        "http://10.0.0.5/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "ftp://example.vn/",
        "gopher://127.0.0.1:25/",
    ],
)
def test_the_link_checker_never_reaches_the_machines_own_network(url):
    ok, result = periodic.link_fetch(url)
    assert not ok
    assert "nội bộ" in result or "http(s)" in result


def test_a_redirect_into_a_private_address_is_refused():
    from urllib.request import Request

    from portal.safe_fetch import RefusedURL, _CheckedRedirects

    handler = _CheckedRedirects()
    request = Request("https://example.vn/")
    with pytest.raises(RefusedURL):
        handler.redirect_request(request, None, 302, "Found", {}, "http://127.0.0.1:6379/")


# Celery beat schedules ----------------------------------------------------------------------

TASKS = {
    tasks.sweep_outbox.name,
    tasks.expire_subscriptions.name,
    tasks.weekly_digest.name,
    tasks.remind_staff.name,
    tasks.check_links.name,
    downloads_tasks.build.name,
}


@pytest.mark.django_db
def test_schedules_ensure_creates_the_six_tasks_once():
    periodic.schedules_ensure()
    schedules = CrontabSchedule.objects.count()
    periodic.schedules_ensure()

    assert CrontabSchedule.objects.count() == schedules
    rows = {task.name: task for task in PeriodicTask.objects.all()}
    assert set(rows) == TASKS
    assert all(task.task == name for name, task in rows.items())
    sweep = rows["notifications.sweep_outbox"].interval
    assert (sweep.every, sweep.period) == (1, "minutes")
    digest = rows["notifications.weekly_digest"].crontab
    assert (digest.minute, digest.hour, digest.day_of_week) == ("0", "7", "1")
    assert str(digest.timezone) == "Asia/Ho_Chi_Minh"
    assert rows["notifications.check_links"].crontab.hour == "2"
    downloads = rows["downloads.build"].crontab
    assert (downloads.minute, downloads.hour, downloads.day_of_week) == ("30", "2", "*")


@pytest.mark.django_db
def test_schedules_ensure_keeps_a_schedule_an_admin_changed():
    periodic.schedules_ensure()
    task = PeriodicTask.objects.get(name="notifications.weekly_digest")
    task.crontab = CrontabSchedule.objects.create(minute="30", hour="9", day_of_week="6")
    task.enabled = False
    task.save()

    periodic.schedules_ensure()

    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.day_of_week, task.enabled) == ("9", "6", False)
