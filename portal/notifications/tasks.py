"""Celery tasks: thin wrappers around the services, each safe to run twice."""

import smtplib
import socket

from celery import shared_task
from django.utils import timezone

from portal.notifications import periodic, services

# Errors worth a retry: the mail server is busy, unreachable or slow. Anything else (a
# refused recipient, a bad message) will fail the same way again.
TRANSIENT_SMTP_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    socket.timeout,
    ConnectionError,
)
MAX_RETRIES = 5


def _transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500  # 4xx: try again later
    return isinstance(error, TRANSIENT_SMTP_ERRORS)


@shared_task(name="notifications.fan_out_event")
def fan_out_event(event_id: int) -> int:
    batches = services.event_fan_out(event_id=event_id)
    for batch in batches:
        send_deliveries.delay(batch)
    return len(batches)


def _retry_if_transient(task, error: Exception) -> None:
    """Retry later (30 s, 60 s, 120 s…) when the mail server's trouble may pass."""
    if _transient(error) and task.request.retries < MAX_RETRIES:
        raise task.retry(exc=error, countdown=30 * 2**task.request.retries) from error


@shared_task(name="notifications.send_deliveries", bind=True, max_retries=MAX_RETRIES)
def send_deliveries(self, delivery_ids: list[int]) -> int:
    try:
        return services.deliveries_send(delivery_ids=delivery_ids).sent
    except Exception as error:
        _retry_if_transient(self, error)
        services.delivery_failed(delivery_ids=delivery_ids, error=repr(error))
        raise


@shared_task(name="notifications.send_confirmation", bind=True, max_retries=MAX_RETRIES)
def send_confirmation(self, subscription_id: int) -> bool:
    try:
        return services.confirmation_send(subscription_id=subscription_id)
    except Exception as error:
        _retry_if_transient(self, error)
        raise


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> dict:
    summary = services.outbox_sweep()
    return {"events": summary.events, "batches": summary.batches}


@shared_task(name="notifications.expire_subscriptions")
def expire_subscriptions() -> int:
    return services.subscriptions_expire()


@shared_task(name="notifications.weekly_digest")
def weekly_digest() -> int:
    return periodic.weekly_digest_send(today=timezone.localdate())


@shared_task(name="notifications.remind_staff")
def remind_staff() -> int:
    return periodic.staff_reminders_send(today=timezone.localdate())


# One request after another, each up to 10 s: longer limits than the default.
@shared_task(name="notifications.check_links", soft_time_limit=1800, time_limit=1900)
def check_links() -> int:
    return periodic.online_links_check()
