"""Every public change writes its event in its own transaction; each subscriber hears once."""

import pytest
from django.db import transaction

from portal.notifications.models import Delivery, DeliveryStatus, Event, Subscription
from portal.notifications.services import deliveries_send, event_fan_out, outbox_sweep
from portal.outbox import EventKind
from procedures.models import Procedure
from procedures.services import procedures_set_status
from wards.services.staff_edits import (
    IntervalInput,
    hours_exception_create,
    notice_publish,
    service_point_update,
    weekly_hours_replace,
)


def _edit_phone(point, phone, user=None):
    return service_point_update(
        point_id=point.pk, seen_version=point.version, fields={"phone": phone}, user=user
    )


@pytest.mark.django_db
def test_a_staff_edit_reaches_the_follower_once_with_what_changed(
    point, follower, mailoutbox, django_capture_on_commit_callbacks
):
    old_phone = point.phone
    with django_capture_on_commit_callbacks(execute=True):
        _edit_phone(point, "024 3833 1234")
    event = Event.objects.get()
    assert event.kind == EventKind.SERVICE_POINT_CHANGED and event.unit == point.unit
    [message] = mailoutbox
    assert message.to == [follower.subscriber.email]
    assert "024 3833 1234" in message.body and (old_phone or "(trống)") in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://localhost:8000/thong-bao/huy/")
    assert unsubscribe.strip("<>") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "024 3833 1234" in html
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.subscription == follower


@pytest.mark.django_db
def test_running_the_tasks_again_sends_nothing_twice(point, follower, mailoutbox):
    _edit_phone(point, "024 3833 1234")
    event = Event.objects.get()
    batches = event_fan_out(event_id=event.pk) + event_fan_out(event_id=event.pk)
    assert Delivery.objects.count() == 1
    for batch in batches:
        deliveries_send(delivery_ids=batch)
    assert deliveries_send(delivery_ids=batches[0]).skipped == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_change_that_rolls_back_leaves_no_event(point, follower):
    with pytest.raises(RuntimeError), transaction.atomic():
        _edit_phone(point, "024 3833 1234")
        raise RuntimeError("the request failed after the edit")
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_only_confirmed_immediate_followers_of_that_unit_get_deliveries(point, follower, ba_dinh):
    from portal.notifications.models import Frequency, Subscriber, SubscriptionStatus

    def subscribe(email, unit, **kwargs):
        subscriber = Subscriber.objects.create(email=email, **kwargs)
        return Subscription.objects.create(
            subscriber=subscriber, unit=unit, status=SubscriptionStatus.CONFIRMED
        )

    subscribe("ba-dinh@example.com", ba_dinh)
    subscribe("hang-tuan@example.com", point.unit, frequency=Frequency.WEEKLY)
    pending = subscribe("chua@example.com", point.unit)
    pending.status = SubscriptionStatus.PENDING
    pending.save()
    _edit_phone(point, "024 3833 1234")
    event_fan_out(event_id=Event.objects.get().pk)
    assert list(Delivery.objects.values_list("subscription", flat=True)) == [follower.pk]


@pytest.mark.django_db
def test_each_kind_of_public_change_writes_an_event(point, cau_giay_editor):
    from datetime import date, time

    unit = point.unit
    weekly_hours_replace(
        point_id=point.pk,
        seen_version=point.version,
        intervals=[IntervalInput(0, time(8), time(11, 30))],
        user=cau_giay_editor,
    )
    hours_exception_create(
        point=point,
        data={"start_date": date(2026, 12, 1), "end_date": date(2026, 12, 2), "kind": "dong_cua"},
        user=cau_giay_editor,
    )
    notice_publish(
        unit=unit,
        kind="thong_bao",
        title="Lịch tiếp dân",
        body="<p>x</p>",
        ends_on=None,
        user=cau_giay_editor,
    )
    procedure = Procedure.objects.get(slug="dang-ky-khai-sinh")
    Procedure.objects.filter(pk=procedure.pk).update(status="draft")
    procedures_set_status(
        procedures=Procedure.objects.filter(pk=procedure.pk), status="published", user=None
    )
    kinds = list(Event.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        EventKind.HOURS_CHANGED,
        EventKind.CLOSURE_ADDED,
        EventKind.NOTICE_PUBLISHED,
        EventKind.PROCEDURE_PUBLISHED,
    ]
    hours = Event.objects.get(kind=EventKind.HOURS_CHANGED)
    assert "08:00–11:30" in hours.changes[0]["new"]


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_public_tells_nobody(point, follower):
    _edit_phone(point, point.phone)
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_the_sweeper_dispatches_what_is_still_pending(point, follower, mailoutbox):
    from datetime import timedelta

    _edit_phone(point, "024 3833 1234")  # on_commit never ran: as if the broker was down
    assert outbox_sweep(older_than=timedelta(0)).events == 1
    assert len(mailoutbox) == 1 and Event.objects.get().fanned_out_at is not None
    assert outbox_sweep(older_than=timedelta(0)).events == 0
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_catalogue_import_announces_only_what_it_changed():
    import json

    from procedures.catalogue_io import catalogue_export, catalogue_import

    exported = json.loads(catalogue_export(file_format="json"))
    assert catalogue_import(data=json.dumps(exported), file_format="json", dry_run=False).imported
    assert not Event.objects.exists()  # the same catalogue again: nothing to tell

    row = next(r for r in exported if r["slug"] == "dang-ky-khai-sinh")
    row["processing_note"] = "Trong ngày"
    assert catalogue_import(data=json.dumps(exported), file_format="json", dry_run=True)
    assert not Event.objects.exists()  # a preview tells nobody
    catalogue_import(data=json.dumps(exported), file_format="json", dry_run=False)
    event = Event.objects.get()
    assert event.kind == EventKind.PROCEDURE_CHANGED and event.procedure.slug == row["slug"]
    assert event.changes[0]["new"] == "Trong ngày"


@pytest.mark.django_db
def test_email_subjects_are_plain_text_not_html_escaped(cau_giay):
    from portal.notifications import emails
    from portal.notifications.models import Event

    event = Event(
        kind=EventKind.NOTICE_PUBLISHED,
        unit=cau_giay,
        title="Giờ làm việc & ngày nghỉ <Tết>",
        path="/",
    )
    subject, _text, _html = emails._render("event", {"event": event, "followed": cau_giay})
    assert subject == "Giờ làm việc & ngày nghỉ <Tết>"
