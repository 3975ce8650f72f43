"""Staff edits to their units' service points, hours, closures and notices.

Each write checks nothing about permissions (the views resolve the objects through the
staff selectors, which do); each is all or nothing, and service-point edits carry the
version the editor saw, so a second editor's stale save is refused, never silently
overwriting the first.
"""

from dataclasses import dataclass
from typing import Any

import nh3
from django.db import transaction
from django.utils import timezone

from wards.models import HoursException, Notice, NoticeKind, ServicePoint, Unit, WeeklyHours

NOTICE_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}


class ConcurrentEdit(Exception):
    """Someone saved the service point after this editor opened it."""

    def __init__(self, current: ServicePoint, changed: dict[str, tuple[Any, Any]]):
        super().__init__("The service point changed since it was opened")
        self.current = current
        self.changed = changed


@dataclass(frozen=True)
class IntervalInput:
    weekday: int
    opens: Any
    closes: Any


def _locked(point_id: int, seen_version: int, proposed: dict[str, Any]) -> ServicePoint:
    point = ServicePoint.objects.select_for_update().get(pk=point_id)
    if point.version != seen_version:
        changed = {
            name: (value, getattr(point, name))
            for name, value in proposed.items()
            if getattr(point, name) != value
        }
        raise ConcurrentEdit(point, changed)
    return point


def service_point_update(
    *, point_id: int, seen_version: int, fields: dict[str, Any], user
) -> ServicePoint:
    with transaction.atomic():
        point = _locked(point_id, seen_version, fields)
        for name, value in fields.items():
            setattr(point, name, value)
        # The row is locked, so a plain increment cannot race.
        point.version += 1
        point._history_user = user
        point.save()
    return point


def service_point_verify(*, point: ServicePoint, user) -> ServicePoint:
    """Xác nhận thông tin vẫn đúng: the point's facts were checked today."""
    with transaction.atomic():
        point = ServicePoint.objects.select_for_update().get(pk=point.pk)
        point.verified_at = timezone.now()
        point.verified_by = user
        point._history_user = user
        point.save(update_fields=["verified_at", "verified_by", "updated_at"])
    return point


def weekly_hours_replace(
    *, point_id: int, seen_version: int, intervals: list[IntervalInput], user
) -> ServicePoint:
    """The point's week becomes exactly these intervals."""
    with transaction.atomic():
        point = _locked(point_id, seen_version, {})
        for hours in point.weekly_hours.all():
            hours._history_user = user
            hours.delete()
        for interval in sorted(intervals, key=lambda i: (i.weekday, i.opens)):
            hours = WeeklyHours(
                service_point=point,
                weekday=interval.weekday,
                opens=interval.opens,
                closes=interval.closes,
            )
            hours._history_user = user
            hours.save()
        point.version += 1
        point._history_user = user
        point.save(update_fields=["version", "updated_at"])
    return point


def hours_exception_create(*, point: ServicePoint, data: dict[str, Any], user) -> HoursException:
    exception = HoursException(service_point=point, **data)
    exception._history_user = user
    exception.save()
    return exception


def hours_exception_delete(*, exception: HoursException, user) -> None:
    exception._history_user = user
    exception.delete()


def notice_publish(*, unit: Unit, kind: str, title: str, body: str, ends_on, user) -> Notice:
    notice = Notice(
        unit=unit,
        kind=kind,
        title=title,
        body=nh3.clean(body, tags=NOTICE_TAGS, link_rel="noopener noreferrer nofollow"),
        ends_on=ends_on,
        created_by=user,
    )
    notice._history_user = user
    notice.save()
    return notice


def notice_withdraw(*, notice: Notice, user) -> Notice:
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice._history_user = user
        notice.save(update_fields=["withdrawn_at"])
    return notice


__all__ = [
    "ConcurrentEdit",
    "IntervalInput",
    "NoticeKind",
    "hours_exception_create",
    "hours_exception_delete",
    "notice_publish",
    "notice_withdraw",
    "service_point_update",
    "service_point_verify",
    "weekly_hours_replace",
]
