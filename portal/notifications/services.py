"""Subscriptions, the outbox of public changes, and sending each email exactly once.

`event_record()` is called inside the transaction of the change it describes; after commit a
Celery task fans the event out (`event_fan_out`) and sends the deliveries
(`deliveries_send`). Both are safe to run twice or concurrently, and `outbox_sweep()` runs them
again for whatever is still pending a few minutes later (the broker was down, a worker died).
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.notifications import emails
from portal.notifications.maildir import pending_files, publish
from portal.notifications.models import (
    Delivery,
    DeliveryStatus,
    Event,
    Frequency,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)

log = logging.getLogger(__name__)
_DELIVERY_FILE = re.compile(r"^delivery-(\d+)@")


# Subscriptions ------------------------------------------------------------------------------


def subscription_request(*, email: str, unit=None, procedure=None) -> Subscription:
    """Ask for a confirmation of `email` following a unit or a procedure. Says nothing about
    what already existed: an address already confirmed simply stays so."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        subscription, _ = Subscription.objects.select_for_update().get_or_create(
            subscriber=subscriber, unit=unit, procedure=procedure
        )
        if subscription.status == SubscriptionStatus.CONFIRMED:
            return subscription
        subscription.status = SubscriptionStatus.PENDING
        subscription.ended_at = None
        subscription.save(update_fields=["status", "ended_at"])
        transaction.on_commit(lambda: _enqueue("send_confirmation", subscription.pk))
    return subscription


def confirmation_send(*, subscription_id: int) -> bool:
    subscription = (
        Subscription.objects.select_related("subscriber", "unit", "procedure")
        .filter(pk=subscription_id, status=SubscriptionStatus.PENDING)
        .first()
    )
    if subscription is None:
        return False
    with get_connection() as connection:
        connection.send_messages([emails.confirmation_message(subscription)])
    Subscription.objects.filter(pk=subscription_id).update(confirmation_sent_at=timezone.now())
    return True


class BadLink(Exception):
    """A confirmation, unsubscribe or preferences link that is forged, broken or expired."""


def _load(token: str, salt: str, max_age: timedelta | None = None) -> int:
    try:
        return int(signing.loads(token, salt=salt, max_age=max_age))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadLink(str(error)) from error


def subscription_from_confirm_token(token: str) -> Subscription:
    max_age = timedelta(days=settings.NOTIFY_CONFIRM_DAYS)
    pk = _load(token, emails.CONFIRM_SALT, max_age)
    subscription = Subscription.objects.filter(pk=pk).select_related("subscriber").first()
    if subscription is None:
        raise BadLink("expired and removed")
    return subscription


def subscription_from_unsubscribe_token(token: str) -> Subscription:
    subscription = (
        Subscription.objects.filter(pk=_load(token, emails.UNSUBSCRIBE_SALT))
        .select_related("subscriber", "unit", "procedure")
        .first()
    )
    if subscription is None:
        raise BadLink("no such subscription")
    return subscription


def subscriber_from_preferences_token(token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(pk=_load(token, emails.PREFERENCES_SALT)).first()
    if subscriber is None:
        raise BadLink("no such subscriber")
    return subscriber


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk, status=SubscriptionStatus.PENDING).update(
        status=SubscriptionStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    subscription.refresh_from_db()
    return subscription


def subscription_end(*, subscription: Subscription) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk).exclude(status=SubscriptionStatus.ENDED).update(
        status=SubscriptionStatus.ENDED, ended_at=timezone.now()
    )
    subscription.refresh_from_db()
    return subscription


def subscriber_preferences_update(
    *, subscriber: Subscriber, frequency: str, keep: set[int]
) -> Subscriber:
    """Keep the subscriptions whose ids are in `keep`, end the other confirmed ones."""
    with transaction.atomic():
        subscriber.frequency = frequency
        subscriber.save(update_fields=["frequency"])
        subscriber.subscriptions.filter(status=SubscriptionStatus.CONFIRMED).exclude(
            pk__in=keep
        ).update(status=SubscriptionStatus.ENDED, ended_at=timezone.now())
    return subscriber


def subscriber_end_all(*, subscriber: Subscriber) -> int:
    return subscriber.subscriptions.exclude(status=SubscriptionStatus.ENDED).update(
        status=SubscriptionStatus.ENDED, ended_at=timezone.now()
    )


def subscriptions_expire(*, now=None) -> int:
    """Remove subscriptions never confirmed within the link's lifetime (and addresses left
    with nothing)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NOTIFY_CONFIRM_DAYS)
    expired, _ = Subscription.objects.filter(
        status=SubscriptionStatus.PENDING, created_at__lt=cutoff
    ).delete()
    Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=cutoff).delete()
    return expired


# The outbox ---------------------------------------------------------------------------------


def event_dispatch(*, event_id: int, **kwargs) -> None:
    """Receiver of the outbox's `event_recorded`: fan the committed event out."""
    _enqueue("fan_out_event", event_id)


def _enqueue(task_name: str, *args) -> None:
    """Hand a task to the broker; when the broker is down, the sweeper does it later."""
    from portal.notifications import tasks

    try:
        getattr(tasks, task_name).delay(*args)
    except Exception:  # the broker's errors vary by transport; the outbox row is safe
        log.warning("Could not enqueue %s%s; the sweeper will retry", task_name, args)


def _subscriptions_for(event: Event):
    confirmed = Subscription.objects.filter(
        status=SubscriptionStatus.CONFIRMED, subscriber__frequency=Frequency.IMMEDIATE
    )
    if event.unit_id:
        return confirmed.filter(unit_id=event.unit_id)
    return confirmed.filter(procedure_id=event.procedure_id)


def event_fan_out(*, event_id: int) -> list[list[int]]:
    """Create the event's deliveries in batches; return the batches still to send."""
    event = Event.objects.get(pk=event_id)
    batches = []
    last = 0
    subscriptions = _subscriptions_for(event).order_by("pk").values_list("pk", flat=True)
    while ids := list(subscriptions.filter(pk__gt=last)[: settings.NOTIFY_FAN_OUT_BATCH]):
        last = ids[-1]
        Delivery.objects.bulk_create(
            [Delivery(event=event, subscription_id=pk) for pk in ids], ignore_conflicts=True
        )
        pending = Delivery.objects.filter(
            event=event, subscription_id__in=ids, status=DeliveryStatus.PENDING
        ).values_list("pk", flat=True)
        batches.extend(_chunks(sorted(pending), settings.NOTIFY_SEND_BATCH))
    Event.objects.filter(pk=event_id, fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now()
    )
    return batches


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@dataclass
class SendSummary:
    sent: int = 0
    skipped: int = 0


def deliveries_send(*, delivery_ids: list[int]) -> SendSummary:
    """Send the deliveries still pending among these. Each is claimed by a conditional
    update in the transaction that sends it: a second run finds it sent and skips it; a
    worker killed before the commit leaves it pending for the retry. An SMTP error rolls
    the delivery back to pending and is raised for the task to retry."""
    summary = SendSummary()
    with get_connection() as connection:
        # A backend that publishes on commit (the Maildir) takes a whole batch per
        # transaction; SMTP takes one message per transaction, so a crash repeats at most one.
        size = len(delivery_ids) if getattr(connection, "publishes_on_commit", False) else 1
        for chunk in _chunks(delivery_ids, size):
            with transaction.atomic():
                claimed = _claim(chunk)
                summary.skipped += len(chunk) - len(claimed)
                if claimed:
                    connection.send_messages([emails.delivery_message(d) for d in claimed])
                    summary.sent += len(claimed)
    return summary


def _claim(delivery_ids: list[int]) -> list[Delivery]:
    pending = Delivery.objects.select_for_update(skip_locked=True).filter(
        pk__in=delivery_ids, status=DeliveryStatus.PENDING
    )
    ids = list(pending.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related(
            "event", "subscription__subscriber", "subscription__unit", "subscription__procedure"
        )
        .order_by("pk")
    )


def delivery_failed(*, delivery_ids: list[int], error: str) -> None:
    """Give up on these (the retries for a transient error ran out, or the error is not
    transient): they stay visible to admins, never retried by the sweeper."""
    Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, error=error[:300], attempts=F("attempts") + 1
    )


@dataclass
class SweepSummary:
    events: int = 0
    batches: int = 0
    recovered_files: int = 0


def outbox_sweep(*, older_than: timedelta | None = None) -> SweepSummary:
    """Dispatch again what should have been done by now: events not fanned out and
    deliveries still pending (the broker was down, a worker died mid-batch)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.NOTIFY_SWEEP_AFTER_SECONDS)
    cutoff = timezone.now() - older_than
    summary = SweepSummary(recovered_files=maildir_recover())
    for event_id in Event.objects.filter(
        fanned_out_at__isnull=True, created_at__lt=cutoff
    ).values_list("pk", flat=True):
        _enqueue("fan_out_event", event_id)
        summary.events += 1
    stale = Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
    ids = sorted(stale.values_list("pk", flat=True))
    for batch in _chunks(ids, settings.NOTIFY_SEND_BATCH):
        _enqueue("send_deliveries", batch)
        summary.batches += 1
    return summary


def maildir_recover() -> int:
    """Finish the Maildir deliveries whose transaction committed but whose worker died
    before moving the message into new/. Returns how many it finished."""
    backend = get_connection()
    if not getattr(backend, "publishes_on_commit", False):
        return 0
    root = Path(backend.root)
    waiting = {}
    for name in pending_files(root):
        match = _DELIVERY_FILE.match(name)
        if match:
            waiting[int(match.group(1))] = name
    sent = Delivery.objects.filter(pk__in=waiting, status=DeliveryStatus.SENT)
    return sum(publish(root, waiting[pk]) for pk in sent.values_list("pk", flat=True))
