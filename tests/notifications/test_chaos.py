"""Notifications survive crashes: real `celery worker` processes on the machine's Redis and
the test database, SIGKILLed mid-batch, and a broker that is down when a change commits.

These tests commit their data (a worker process cannot see a test's open transaction), so
they clean up after themselves instead of relying on a rollback."""

import email
import random
import time

import pytest
from django.db import connection

from portal.notifications.models import (
    Delivery,
    DeliveryStatus,
    Event,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from tests.notifications.worker import (
    kill,
    running_worker,
    sent_messages,
    start_worker,
    use_broker,
    wait_for,
)
from wards.models import ServicePoint, Unit
from wards.services.staff_edits import service_point_update

pytestmark = pytest.mark.chaos
DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there


@pytest.fixture
def committed(django_db_setup, django_db_blocker, redis_url, celery_runs_in_process):
    """Database access outside a test transaction, a clean queue, and cleanup after."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("worker processes need a shared database server (CI uses PostgreSQL)")
        app = celery_runs_in_process
        use_broker(app, redis_url)
        app.control.purge()
        point = ServicePoint.objects.filter(unit__code="00166").order_by("pk").first()
        phone = point.phone
        try:
            yield point
        finally:
            app.control.purge()
            Event.objects.all().delete()
            Subscriber.objects.all().delete()
            ServicePoint.objects.filter(pk=point.pk).update(phone=phone)
            app.conf.task_always_eager = True


def _followers(unit: Unit, count: int) -> list[str]:
    addresses = [f"nguoidan{n:05d}@example.com" for n in range(count)]
    subscribers = Subscriber.objects.bulk_create(Subscriber(email=a) for a in addresses)
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, unit=unit, status=SubscriptionStatus.CONFIRMED)
        for s in subscribers
    )
    return addresses


def _edit(point: ServicePoint, phone: str) -> None:
    point.refresh_from_db()
    service_point_update(
        point_id=point.pk, seen_version=point.version, fields={"phone": phone}, user=None
    )


def _recipients(maildir) -> list[str]:
    return [email.message_from_bytes(path.read_bytes())["To"] for path in sent_messages(maildir)]


def test_a_staff_edit_reaches_the_subscriber_through_a_real_worker_once(
    committed, redis_url, tmp_path
):
    [address] = _followers(committed.unit, 1)
    maildir = tmp_path / "mail"
    with running_worker(broker_url=redis_url, maildir=maildir, log=tmp_path / "worker.log"):
        _edit(committed, "024 3833 0001")  # commits; the outbox task goes to Redis
        assert wait_for(lambda: sent_messages(maildir), timeout=60), (
            tmp_path / "worker.log"
        ).read_text()
        wait_for(lambda: False, timeout=1)  # a duplicate would have had time to arrive
    [path] = sent_messages(maildir)
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"] == address
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "024 3833 0001" in body
    subscription = Subscription.objects.get(subscriber__email=address)
    unsubscribe = "".join(message["List-Unsubscribe"].split()).strip("<>")
    assert unsubscribe in body and message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    from portal.notifications.services import subscription_from_unsubscribe_token

    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    assert subscription_from_unsubscribe_token(token) == subscription
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    committed, redis_url, tmp_path
):
    addresses = _followers(committed.unit, 5000)
    maildir, log = tmp_path / "mail", tmp_path / "worker.log"
    first = start_worker(broker_url=redis_url, maildir=maildir, log=log)
    try:
        _edit(committed, "024 3833 0002")
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT)
        assert wait_for(lambda: sent.count() >= 1000, timeout=120, every=0.01), log.read_text()
        time.sleep(delay := random.uniform(0, 0.15))  # anywhere in the next batch of 100
    finally:
        kill(first)
    sent_before_the_kill = sent.count()
    written_not_committed = len(list((maildir / "tmp").iterdir()))
    assert sent_before_the_kill < 5000, "the kill came too late to test anything"

    from portal.notifications import tasks

    with running_worker(broker_url=redis_url, maildir=maildir, log=log):
        tasks.sweep_outbox.delay()  # what Celery beat does every minute
        assert wait_for(lambda: sent.count() == 5000, timeout=180), log.read_text()
        tasks.sweep_outbox.delay()  # finishes any message the kill left in tmp/
        assert wait_for(lambda: not any((maildir / "tmp").iterdir()), timeout=30)

    assert Delivery.objects.count() == 5000
    recipients = _recipients(maildir)
    assert len(recipients) == 5000 and sorted(recipients) == addresses
    print(
        f"killed {delay * 1000:.0f} ms after the 1000th email, with {sent_before_the_kill} of 5000 "
        f"committed and {written_not_committed} more written but not committed; "
        "all 5000 delivered once"
    )


def test_a_change_committed_while_the_broker_is_down_is_delivered_once_it_is_back(
    committed, redis_url, tmp_path, celery_runs_in_process, caplog
):
    [address] = _followers(committed.unit, 1)
    use_broker(celery_runs_in_process, DEAD_BROKER)
    _edit(committed, "024 3833 0003")  # the broker is unreachable: the edit still commits
    event = Event.objects.get()
    assert event.fanned_out_at is None and "sweeper will retry" in caplog.text

    use_broker(celery_runs_in_process, redis_url)  # the broker is back
    maildir = tmp_path / "mail"
    from portal.notifications import tasks

    with running_worker(broker_url=redis_url, maildir=maildir, log=tmp_path / "worker.log"):
        tasks.sweep_outbox.delay()
        assert wait_for(lambda: sent_messages(maildir), timeout=60)
        tasks.sweep_outbox.delay()  # a second sweep finds nothing left to do
        wait_for(lambda: False, timeout=2)
    assert _recipients(maildir) == [address]
    event.refresh_from_db()
    assert event.fanned_out_at is not None
