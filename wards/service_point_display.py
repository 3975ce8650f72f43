"""What the unit page shows of a service point: its hours, open status and closures."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch

from wards.models import (
    HoursException,
    PublicHoliday,
    ServicePoint,
    ServicePointKind,
    Unit,
    Weekday,
    WeeklyHours,
)
from wards.opening import (
    TIME_ZONE,
    DateRangeRule,
    Interval,
    OpenStatus,
    Schedule,
    status_at,
    upcoming_closures,
)


@dataclass(frozen=True)
class DayHours:
    """One of the coming seven days as the point will keep it: its usual hours, or the
    special hours, closure or holiday that replaces them (with why)."""

    label: str
    day: date
    intervals: tuple[Interval, ...]
    reason: str


@dataclass(frozen=True)
class ServicePointView:
    point: ServicePoint
    status: OpenStatus
    today: tuple[Interval, ...]
    week: list[DayHours]
    closures: list[DateRangeRule]
    special_hours: list[DateRangeRule]


def schedule_of(point: ServicePoint, holidays: dict) -> Schedule:
    weekly: dict[int, tuple[Interval, ...]] = {}
    for hours in point.weekly_hours.all():
        weekly[hours.weekday] = (
            *weekly.get(hours.weekday, ()),
            Interval(hours.opens, hours.closes),
        )
    exceptions = tuple(
        DateRangeRule(
            start=exception.start_date,
            end=exception.end_date,
            intervals=(Interval(exception.opens, exception.closes),) if exception.opens else (),
            reason=exception.reason or exception.get_kind_display(),
        )
        for exception in point.exceptions.all()
    )
    return Schedule(weekly=weekly, exceptions=exceptions, holidays=holidays)


def coming_week(schedule: Schedule, today: date) -> list[DayHours]:
    labels = dict(Weekday.choices)
    days = [today + timedelta(offset) for offset in range(7)]
    return [DayHours(str(labels[d.weekday()]), d, *schedule.rule_on(d)) for d in days]


def upcoming_special_hours(schedule: Schedule, today: date, days: int = 60) -> list[DateRangeRule]:
    """Dates open at other than the usual hours, in the coming days."""
    return sorted(
        (
            rule
            for rule in schedule.exceptions
            if rule.intervals and rule.end >= today and rule.start <= today + timedelta(days)
        ),
        key=lambda rule: rule.start,
    )


def holidays_ahead(today: date) -> dict[date, str]:
    """Days off from yesterday to a year ahead, the span a schedule looks at."""
    return dict(
        PublicHoliday.objects.filter(
            is_day_off=True, date__gte=today - timedelta(1), date__lte=today + timedelta(366)
        ).values_list("date", "name")
    )


def unit_service_points(
    unit: Unit, now: datetime, *, kind: str | None = None
) -> list[ServicePointView]:
    """The unit's active service points (of one kind, when given) with what a resident
    needs to know now."""
    points = ServicePoint.objects.filter(unit=unit, is_active=True)
    if kind:
        points = points.filter(kind=kind)
    return service_point_views(points, now)


def city_service_points(province_code: str, now: datetime) -> list[ServicePointView]:
    """The city-level reception points of the province (branches of its service centre)."""
    points = ServicePoint.objects.filter(
        unit__province__code=province_code,
        kind=ServicePointKind.CITY_CENTRE_BRANCH,
        is_active=True,
    ).order_by("name")
    return service_point_views(points, now)


def service_point_views(points, now: datetime) -> list[ServicePointView]:
    today = now.date()
    points = points.prefetch_related(
        Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "exceptions",
            queryset=HoursException.objects.filter(end_date__gte=today - timedelta(1)),
        ),
    ).select_related("verified_by", "unit__province")
    holidays = holidays_ahead(today)
    views = []
    for point in points:
        schedule = schedule_of(point, holidays)
        views.append(
            ServicePointView(
                point=point,
                status=status_at(schedule, now),
                today=schedule.rule_on(today)[0],
                week=coming_week(schedule, today),
                closures=upcoming_closures(schedule, today),
                special_hours=upcoming_special_hours(schedule, today),
            )
        )
    return views


def next_change(views: list[ServicePointView], now: datetime) -> datetime:
    """When what these points show next changes by itself: one of them opens or closes, or
    the day ends (the coming week, dated closures and notices move on)."""
    local = now.astimezone(TIME_ZONE)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=TIME_ZONE)
    moments = [midnight]
    for view in views:
        moments += [m for m in (view.status.closes_at, view.status.next_opening) if m is not None]
    return min(moments)
