"""Sending: retries only for passing SMTP trouble, and the Maildir in step with the database."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from portal.notifications import tasks
from portal.notifications.maildir import MaildirBackend, pending_files
from portal.notifications.models import Delivery, DeliveryStatus, Event
from portal.notifications.services import deliveries_send, event_fan_out, maildir_recover
from tests.notifications.test_outbox import _edit_phone


class FlakyBackend(EmailBackend):
    """Fails the first `failures` sends with `error`, then delivers to the locmem outbox."""

    failures = 0
    error: Exception = smtplib.SMTPServerDisconnected("connection lost")

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings, celery_runs_in_process):
    """Retries run inline (eagerly) as a worker would run them later."""
    settings.EMAIL_BACKEND = "tests.notifications.test_sending.FlakyBackend"
    celery_runs_in_process.conf.task_eager_propagates = False
    yield FlakyBackend
    celery_runs_in_process.conf.task_eager_propagates = True
    FlakyBackend.failures = 0


def _pending_batch(point) -> list[int]:
    _edit_phone(point, "024 3833 1234")
    return event_fan_out(event_id=Event.objects.get().pk)[0]


@pytest.mark.django_db
def test_a_passing_smtp_error_is_retried_and_the_email_goes_once(
    point, follower, flaky, mailoutbox
):
    flaky.failures, flaky.error = 2, smtplib.SMTPServerDisconnected("connection lost")
    tasks.send_deliveries.apply(args=[_pending_batch(point)], throw=False)
    assert len(mailoutbox) == 1
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1


@pytest.mark.django_db
def test_a_4xx_answer_is_retried_but_a_refused_recipient_is_not(point, follower, flaky, mailoutbox):
    assert tasks._transient(smtplib.SMTPDataError(451, b"try again later"))
    flaky.failures = 1
    flaky.error = smtplib.SMTPRecipientsRefused({"nguoidan@example.com": (550, b"no such user")})
    result = tasks.send_deliveries.apply(args=[_pending_batch(point)], throw=False)
    assert isinstance(result.result, smtplib.SMTPRecipientsRefused)
    assert mailoutbox == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "550" in delivery.error


@pytest.mark.django_db
def test_retries_are_bounded(point, follower, flaky, mailoutbox):
    flaky.failures, flaky.error = 100, smtplib.SMTPServerDisconnected("down")
    tasks.send_deliveries.apply(args=[_pending_batch(point)], throw=False)
    assert flaky.failures == 100 - 1 - tasks.MAX_RETRIES
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


@pytest.mark.django_db(transaction=False)
def test_the_maildir_holds_a_message_only_once_its_delivery_committed(
    point, follower, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "portal.notifications.maildir.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path)
    batch = _pending_batch(point)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        deliveries_send(delivery_ids=batch)
    # Sent in the database, written to tmp/, not yet moved: as if killed after the commit.
    assert pending_files(tmp_path) and not any((tmp_path / "new").iterdir())
    assert callbacks  # the move waits for the commit
    assert maildir_recover() == 1
    assert pending_files(tmp_path) == [] and len(list((tmp_path / "new").iterdir())) == 1


@pytest.mark.django_db
def test_recovery_leaves_the_messages_of_uncommitted_deliveries(
    point, follower, settings, tmp_path
):
    settings.EMAIL_BACKEND = "portal.notifications.maildir.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path)
    batch = _pending_batch(point)
    delivery = Delivery.objects.get(pk=batch[0])
    from portal.notifications.emails import delivery_message

    MaildirBackend(maildir=str(tmp_path)).send_messages([delivery_message(delivery)])
    assert len(pending_files(tmp_path)) == 1  # written by a worker that died before its commit
    assert maildir_recover() == 0
    assert delivery.status == DeliveryStatus.PENDING
