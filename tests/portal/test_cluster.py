"""The production shape on one machine: two gunicorn app servers (deploy/gunicorn.conf.py)
and two Celery workers against one PostgreSQL (the test database) and one Redis (cache,
limits and broker). What one server changes, the other shows; each change is emailed
once although two workers share the queue; a limit counts the requests of both servers.

The servers and workers are separate processes, so the data is committed, and removed
again afterwards, instead of living in a test transaction."""

import email
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from portal.notifications.models import Event, Subscriber, Subscription, SubscriptionStatus
from tests.factories import StaffMembershipFactory
from tests.notifications.worker import running_worker, sent_messages, use_broker, wait_for
from tests.portal.servers import Browser, form_with, running_servers
from wards.models import ServicePoint

pytestmark = pytest.mark.cluster
UNIT_PAGE = "/don-vi/ha-noi/phuong-cau-giay/"
PASSWORD = "mat-khau-dai-123"  # tests/factories.py's
FOLLOWER = "nguoidan@example.com"
# nginx's X-Forwarded-For: two residents behind the one trusted proxy (127.0.0.1 here).
RESIDENT, NEIGHBOUR = "198.51.100.7", "198.51.100.8"


@pytest.fixture
def cluster(django_db_setup, django_db_blocker, redis_url, celery_runs_in_process):
    """A Cầu Giấy officer and a confirmed follower of Cầu Giấy, committed; a clean queue;
    and everything the test wrote removed afterwards."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("app servers and workers need a shared database server (CI: PostgreSQL)")
        app = celery_runs_in_process
        use_broker(app, redis_url)
        app.control.purge()
        started = timezone.now() - timedelta(seconds=1)
        point = ServicePoint.objects.filter(unit__code="00166").order_by("pk").first()
        saved = {"phone": point.phone, "version": point.version}
        officer = StaffMembershipFactory(unit=point.unit).user
        subscriber = Subscriber.objects.create(email=FOLLOWER)
        Subscription.objects.create(
            subscriber=subscriber, unit=point.unit, status=SubscriptionStatus.CONFIRMED
        )
        browser = Browser()
        try:
            yield SimpleNamespace(point=point, officer=officer, browser=browser)
        finally:
            app.control.purge()
            Event.objects.all().delete()
            Subscriber.objects.all().delete()
            ServicePoint.history.filter(id=point.pk, history_date__gte=started).delete()
            ServicePoint.objects.filter(pk=point.pk).update(**saved)
            Session.objects.filter(session_key=browser.cookies.get("sessionid")).delete()
            _forget_logins(officer.username)
            officer.delete()
            app.conf.task_always_eager = True


def _forget_logins(username: str) -> None:
    from axes.models import AccessAttempt, AccessLog

    AccessAttempt.objects.filter(username=username).delete()
    AccessLog.objects.filter(username=username).delete()


def _sign_in(browser: Browser, server, username: str) -> None:
    """The real login form, with its CSRF token."""
    form = form_with(browser.get(server, "/tai-khoan/login/").body, "username")
    form |= {"username": username, "password": PASSWORD}
    answer = browser.post(server, "/tai-khoan/login/", form)
    assert answer.status == 302 and answer.headers["location"] == "/can-bo/", answer.body


def _edit_phone(browser: Browser, server, point: ServicePoint, phone: str) -> None:
    """The officer's point form as the page gives it, with only the phone changed."""
    path = f"/can-bo/diem/{point.pk}/"
    form = form_with(browser.get(server, path).body, "phone") | {"phone": phone}
    answer = browser.post(server, path, form)
    assert answer.status == 302, answer.body


def _subscribe(browser: Browser, server, address: str) -> int:
    form = form_with(browser.get(server, UNIT_PAGE).body, "don_vi") | {"email": address}
    return browser.post(server, "/thong-bao/dang-ky/", form).status


def _messages(maildir) -> list[email.message.Message]:
    return [email.message_from_bytes(path.read_bytes()) for path in sent_messages(maildir)]


def _recipients(maildir) -> list[str]:
    return [message["To"] for message in _messages(maildir)]


def test_two_app_servers_and_two_workers_behave_as_one_site(cluster, redis_url, tmp_path):
    maildir = tmp_path / "mail"
    shared = {
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "EMAIL_BACKEND": "portal.notifications.maildir.MaildirBackend",
        "EMAIL_MAILDIR": str(maildir),
        "TRUSTED_PROXIES": "127.0.0.1",
        "NOTIFY_RATE_PER_IP": "3/h",
    }
    specs = [("A", tmp_path / "a.log"), ("B", tmp_path / "b.log")]
    worker_logs = [tmp_path / "worker1.log", tmp_path / "worker2.log"]
    with (
        running_servers(*specs, **shared) as [a, b],
        running_worker(broker_url=redis_url, maildir=maildir, log=worker_logs[0]) as first,
        running_worker(broker_url=redis_url, maildir=maildir, log=worker_logs[1]) as second,
    ):
        # (a) A change made through A is what B shows, though B had the page cached.
        visitor = Browser()
        assert "tel:02438334455" not in visitor.get(b, UNIT_PAGE).body
        _sign_in(cluster.browser, a, cluster.officer.username)
        _edit_phone(cluster.browser, a, cluster.point, "024 3833 4455")
        assert "tel:02438334455" in visitor.get(b, UNIT_PAGE).body

        # (c) One resident's subscription requests, alternately to A and B, count against
        # one limit of 3 an hour; a neighbour behind the same proxy keeps their own.
        resident = Browser(forwarded_for=RESIDENT)
        servers = [a, b, a, b, a]
        addresses = [f"dang-ky-{n}@example.com" for n in range(len(servers))]
        statuses = [_subscribe(resident, s, x) for s, x in zip(servers, addresses, strict=True)]
        assert statuses == [200, 200, 200, 429, 429]
        assert _subscribe(Browser(forwarded_for=NEIGHBOUR), b, "hang-xom@example.com") == 200

        # (b) Two workers share the queue: the follower gets the change once, and each
        # accepted request its one confirmation.
        expected = sorted([FOLLOWER, *addresses[:3], "hang-xom@example.com"])
        arrived = wait_for(lambda: len(_recipients(maildir)) >= len(expected), timeout=60)
        assert arrived, "\n".join(log.read_text() for log in worker_logs)
        wait_for(lambda: False, timeout=2)  # a duplicate would have had time to arrive
        assert first.poll() is None and second.poll() is None  # both workers were there
    assert sorted(_recipients(maildir)) == expected
    [change] = [message for message in _messages(maildir) if message["To"] == FOLLOWER]
    assert "024 3833 4455" in change.get_payload()[0].get_payload(decode=True).decode()
