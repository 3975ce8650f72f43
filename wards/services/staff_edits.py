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
from django.utils.translation import gettext as _

from portal.outbox import EventKind, event_record, quiet_change_record
from wards.models import (
    HoursException,
    Notice,
    NoticeKind,
    ServicePoint,
    ServicePointKind,
    Unit,
    WeeklyHours,
)

# The service-point facts residents are told about when they change.
ANNOUNCED_FIELDS = ["name", "address", "phone", "email", "note", "is_active"]

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
        before = {name: getattr(point, name) for name in ANNOUNCED_FIELDS}
        for name, value in fields.items():
            setattr(point, name, value)
        # The row is locked, so a plain increment cannot race.
        point.version += 1
        point._history_user = user
        point.save()
        changes = [
            (ServicePoint._meta.get_field(name).verbose_name, _shown(old), _shown(new))
            for name, old in before.items()
            if (new := getattr(point, name)) != old
        ]
        if changes:
            _announce(point, EventKind.SERVICE_POINT_CHANGED, changes)
    return point


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return _("có") if value else _("không")
    return str(value) if value not in (None, "") else _("(trống)")


def _announce(point: ServicePoint, kind: str, changes=(), title: str = "") -> None:
    event_record(
        kind=kind,
        unit=point.unit,
        title=title or f"{point.name}: {EventKind(kind).label.lower()}",
        changes=changes,
        path=point.unit.get_absolute_url(),
    )


def _week_text(point: ServicePoint) -> str:
    return "; ".join(str(hours) for hours in point.weekly_hours.all()) or _("(chưa có)")


def service_point_verify(*, point: ServicePoint, user) -> ServicePoint:
    """Xác nhận thông tin vẫn đúng: the point's facts were checked today."""
    with transaction.atomic():
        point = ServicePoint.objects.select_for_update().get(pk=point.pk)
        point.verified_at = timezone.now()
        point.verified_by = user
        point._history_user = user
        point.save(update_fields=["verified_at", "verified_by", "updated_at"])
        quiet_change_record(unit=point.unit)
    return point


def weekly_hours_replace(
    *, point_id: int, seen_version: int, intervals: list[IntervalInput], user
) -> ServicePoint:
    """The point's week becomes exactly these intervals. The same week saved again writes
    nothing: no history entry, no new version, no email (`point.week_changed` says which)."""
    with transaction.atomic():
        point = _locked(point_id, seen_version, {})
        saved = sorted((h.weekday, h.opens, h.closes) for h in point.weekly_hours.all())
        wanted = sorted((i.weekday, i.opens, i.closes) for i in intervals)
        point.week_changed = saved != wanted
        if not point.week_changed:
            return point
        before = _week_text(point)
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
        after = _week_text(point)
        if after != before:
            _announce(point, EventKind.HOURS_CHANGED, [(_("Giờ làm việc"), before, after)])
    return point


def hours_exception_create(*, point: ServicePoint, data: dict[str, Any], user) -> HoursException:
    with transaction.atomic():
        exception = HoursException(service_point=point, **data)
        exception._history_user = user
        exception.save()
        _announce(point, EventKind.CLOSURE_ADDED, title=f"{point.name}: {exception}")
    return exception


def hours_exception_delete(*, exception: HoursException, user) -> None:
    exception._history_user = user
    exception.delete()
    quiet_change_record(unit=exception.service_point.unit)


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
    closure = kind == NoticeKind.CLOSURE
    with transaction.atomic():
        notice.save()
        event_record(
            kind=EventKind.CLOSURE_ADDED if closure else EventKind.NOTICE_PUBLISHED,
            unit=unit,
            title=f"{unit.full_name}: {title}",
            path=unit.get_absolute_url(),
        )
    return notice


def notice_withdraw(*, notice: Notice, user) -> Notice:
    if notice.withdrawn_at is None:
        notice.withdrawn_at = timezone.now()
        notice._history_user = user
        notice.save(update_fields=["withdrawn_at"])
        quiet_change_record(unit=notice.unit)
    return notice


def police_office_add(*, unit: Unit, user) -> ServicePoint:
    """The unit's police reception office as a service point of its own kind, created by
    its staff (no source gives these addresses); a second call returns the same point."""
    existing = ServicePoint.objects.filter(unit=unit, kind=ServicePointKind.POLICE_RECEPTION)
    if existing.exists():
        return existing.first()
    point = ServicePoint(
        unit=unit,
        kind=ServicePointKind.POLICE_RECEPTION,
        name=f"Nơi tiếp dân Công an {unit.full_name}",
        source="cán bộ đơn vị",
        source_version=timezone.localdate().isoformat(),
    )
    point._history_user = user
    point.save()
    quiet_change_record(unit=unit)
    return point


__all__ = [
    "ConcurrentEdit",
    "IntervalInput",
    "NoticeKind",
    "hours_exception_create",
    "hours_exception_delete",
    "notice_publish",
    "notice_withdraw",
    "police_office_add",
    "service_point_update",
    "service_point_verify",
    "weekly_hours_replace",
]
