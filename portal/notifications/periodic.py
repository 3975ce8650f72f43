"""The scheduled jobs: the weekly digest, reminders to ward staff, the online-link check, and
the Celery beat schedules that run them.

Each email job claims its work with a row under a unique constraint (`DigestSend`,
`StaffReminder`) in the transaction that sends the email: a second run finds the row and
skips; a failed send rolls the row back, so the next run tries again.
"""

import http.client
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from urllib.error import HTTPError
from urllib.request import Request

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from portal.notifications import emails
from portal.notifications.models import (
    DigestSend,
    Event,
    Frequency,
    ReminderReason,
    StaffReminder,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from portal.safe_fetch import RefusedURL, check_public, open_public
from procedures.models import LinkState, OnlineLinkCheck, Procedure, Status
from wards.models import ServicePoint, StaffMembership, WeeklyHours
from wards.staff.selectors import STALE_AFTER

BROKEN_AFTER = 3
LINK_TIMEOUT_SECONDS = 10

Fetch = Callable[[str], tuple[bool, str]]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _claim(model: type[models.Model], **fields) -> bool:
    """Create the row that marks this work done; False when another run already has it.
    The savepoint keeps the caller's transaction usable after the IntegrityError."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return False
    return True


# The weekly digest --------------------------------------------------------------------------


def weekly_digest_send(*, today: date) -> int:
    """Send each weekly subscriber one email with last week's (Monday to Sunday) events of
    what they follow; nothing when nothing changed. Returns the number of digests sent."""
    week_start = _monday(today) - timedelta(days=7)
    events = Event.objects.filter(
        created_at__gte=_start_of(week_start),
        created_at__lt=_start_of(week_start + timedelta(days=7)),
    ).order_by("created_at", "pk")
    # An event goes to its unit's followers when it has a unit, else to its procedure's, as
    # immediate emails do (services._subscriptions_for).
    by_unit, by_procedure = defaultdict(list), defaultdict(list)
    for event in events:
        if event.unit_id:
            by_unit[event.unit_id].append(event)
        else:
            by_procedure[event.procedure_id].append(event)
    if not by_unit and not by_procedure:
        return 0

    followed = (
        Subscription.objects.filter(status=SubscriptionStatus.CONFIRMED)
        .filter(Q(unit_id__in=by_unit) | Q(procedure_id__in=by_procedure))
        .select_related("unit", "procedure")
        .order_by("pk")
    )
    subscribers = (
        Subscriber.objects.filter(frequency=Frequency.WEEKLY)
        .filter(Exists(followed.filter(subscriber=OuterRef("pk"))))
        .exclude(digests__week_start=week_start)
        .prefetch_related(Prefetch("subscriptions", queryset=followed, to_attr="followed"))
        .order_by("pk")
    )
    sent = 0
    with get_connection() as connection:
        for subscriber in subscribers.iterator(chunk_size=500):
            items = [
                (s, by_unit[s.unit_id] if s.unit_id else by_procedure[s.procedure_id])
                for s in subscriber.followed
            ]
            with transaction.atomic():
                count = sum(len(found) for _, found in items)
                if not _claim(
                    DigestSend, subscriber=subscriber, week_start=week_start, events=count
                ):
                    continue
                connection.send_messages([emails.digest_message(subscriber, week_start, items)])
                sent += 1
    return sent


# Reminders to ward staff --------------------------------------------------------------------


def _staff_emails() -> dict[int, list[str]]:
    """The addresses of each unit's active staff accounts."""
    rows = (
        StaffMembership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("unit_id", "user__email")
    )
    by_unit = defaultdict(set)
    for unit_id, email in rows:
        by_unit[unit_id].add(email.lower())
    return {unit_id: sorted(addresses) for unit_id, addresses in by_unit.items()}


def _reasons(point: ServicePoint, stale_before: datetime) -> list[str]:
    reasons = []
    if point.verified_at is None or point.verified_at < stale_before:
        reasons.append(ReminderReason.UNVERIFIED)
    if not point.has_hours:
        reasons.append(ReminderReason.NO_HOURS)
    return reasons


def staff_reminders_send(*, today: date) -> int:
    """Email each unit's staff about its active service points not confirmed in 90 days or
    without weekly hours: one email per point, each reason at most once a week. Returns the
    number of emails sent."""
    week_start = _monday(today)
    stale_before = _start_of(today) - STALE_AFTER
    staff = _staff_emails()
    points = (
        ServicePoint.objects.filter(is_active=True, unit_id__in=staff)
        .annotate(has_hours=Exists(WeeklyHours.objects.filter(service_point=OuterRef("pk"))))
        .filter(Q(verified_at__isnull=True) | Q(verified_at__lt=stale_before) | Q(has_hours=False))
        .select_related("unit")
        .order_by("pk")
    )
    sent = 0
    with get_connection() as connection:
        for point in points:
            to = staff[point.unit_id]
            with transaction.atomic():
                claimed = [
                    reason
                    for reason in _reasons(point, stale_before)
                    if _claim(
                        StaffReminder,
                        service_point=point,
                        reason=reason,
                        week_start=week_start,
                        recipients=len(to),
                    )
                ]
                if not claimed:
                    continue
                message = emails.staff_reminder_message(
                    to=to,
                    point=point,
                    reasons=[str(ReminderReason(reason).label) for reason in claimed],
                    edit_url=reverse("staff:point_edit", kwargs={"pk": point.pk}),
                )
                connection.send_messages([message])
                sent += 1
    return sent


# The online-service links -------------------------------------------------------------------


def _user_agent() -> str:
    return f"CongPhuongXaHaNoi-LinkCheck/1.0 (+{settings.SITE_URL})"


def _status(url: str, method: str) -> int:
    request = Request(url, method=method, headers={"User-Agent": _user_agent()})
    with open_public(request, timeout=LINK_TIMEOUT_SECONDS) as response:
        return response.status


def link_fetch(url: str) -> tuple[bool, str]:
    """HEAD the URL (GET when the server does not take HEAD), following redirects; never
    a loopback, private, link-local or reserved address, nor a redirect into one."""
    try:
        check_public(url)
    except RefusedURL as refused:
        return False, str(refused)[:200]
    try:
        try:
            status = _status(url, "HEAD")
        except HTTPError as error:
            if error.code not in (405, 501):
                raise
            error.close()
            status = _status(url, "GET")
    except HTTPError as error:  # a 3xx lands here only when urllib won't follow it (304, loop)
        error.close()
        status = error.code
    except RefusedURL as refused:  # a redirect into the machine's own network
        return False, str(refused)[:200]
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        if isinstance(reason, TimeoutError):
            reason = "timeout"
        return False, f"lỗi mạng: {reason}"[:200]
    return status < 400, f"HTTP {status}"


def _link_record(check: OnlineLinkCheck, *, url: str, ok: bool, result: str, now) -> None:
    if check.url != url:  # a new link starts with a clean record
        check.url = url
        check.state = LinkState.OK
        check.consecutive_failures = 0
        check.last_ok_at = None
    if ok:
        check.state = LinkState.OK
        check.consecutive_failures = 0
        check.last_ok_at = now
    else:
        check.consecutive_failures += 1
        # Broken only after several failures in a row: link checkers that flag a link after
        # one timeout cry wolf every time the national portal has a slow night.
        check.state = (
            LinkState.BROKEN if check.consecutive_failures >= BROKEN_AFTER else LinkState.FAILING
        )
    check.last_checked_at = now
    check.last_result = result[:200]
    check.save()


def online_links_check(*, fetch: Fetch | None = None, now: datetime | None = None) -> int:
    """Check the national-portal link of every published procedure that has one, the links
    checked longest ago first (so a run cut short by the task's time limit is finished by
    the next). Returns the number of links checked."""
    fetch = fetch or link_fetch
    procedures = (
        Procedure.objects.filter(status=Status.PUBLISHED)
        .exclude(national_portal_url="")
        .select_related("link_check")
        .order_by(models.F("link_check__last_checked_at").asc(nulls_first=True), "pk")
    )
    checked = 0
    for procedure in procedures:
        url = procedure.national_portal_url
        try:
            check = procedure.link_check
        except OnlineLinkCheck.DoesNotExist:
            check = OnlineLinkCheck(procedure=procedure, url=url)
        ok, result = fetch(url)
        _link_record(check, url=url, ok=ok, result=result, now=now or timezone.now())
        checked += 1
    return checked


# Celery beat schedules ----------------------------------------------------------------------

SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"


def _first_or_create(model: type[models.Model], **fields) -> models.Model:
    # No unique constraint on schedules: equal rows may already exist, any one will do.
    return model.objects.filter(**fields).first() or model.objects.create(**fields)


def schedules_ensure() -> None:
    """Create the periodic tasks that are missing. An existing task keeps its schedule: an
    admin may have changed it."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    def crontab(*, hour: str, day_of_week: str = "*", minute: str = "0"):
        return _first_or_create(
            CrontabSchedule,
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone=SCHEDULE_TIMEZONE,
        )

    wanted = {
        "notifications.sweep_outbox": lambda: {
            "interval": _first_or_create(IntervalSchedule, every=1, period=IntervalSchedule.MINUTES)
        },
        "notifications.expire_subscriptions": lambda: {"crontab": crontab(hour="3")},
        "notifications.weekly_digest": lambda: {"crontab": crontab(hour="7", day_of_week="1")},
        "notifications.remind_staff": lambda: {"crontab": crontab(hour="8", day_of_week="1")},
        "notifications.check_links": lambda: {"crontab": crontab(hour="2")},
        # The open data files of /du-lieu/ (portal/downloads/tasks.py).
        "downloads.build": lambda: {"crontab": crontab(hour="2", minute="30")},
    }
    existing = set(PeriodicTask.objects.filter(name__in=wanted).values_list("name", flat=True))
    for task, schedule in wanted.items():
        if task not in existing:
            PeriodicTask.objects.get_or_create(name=task, defaults={"task": task, **schedule()})
