"""Is a service point open now, when does it close, when does it open next.

Pure functions over a Schedule, computed in the portal's time zone (Asia/Ho_Chi_Minh, no
daylight saving). A schedule with no weekly hours at all is unknown, not closed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
HORIZON_DAYS = 366


@dataclass(frozen=True)
class Interval:
    opens: time
    closes: time


@dataclass(frozen=True)
class DateRangeRule:
    """Dates whose hours replace the weekly ones: no intervals for a closure."""

    start: date
    end: date
    intervals: tuple[Interval, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Schedule:
    weekly: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    exceptions: tuple[DateRangeRule, ...] = ()
    holidays: dict[date, str] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return any(self.weekly.values())

    def rule_on(self, day: date) -> tuple[tuple[Interval, ...], str]:
        """The day's opening intervals and, when they are not the usual ones, why."""
        for rule in self.exceptions:
            if rule.start <= day <= rule.end:
                return rule.intervals, rule.reason
        if day in self.holidays:
            return (), self.holidays[day]
        return self.weekly.get(day.weekday(), ()), ""


@dataclass(frozen=True)
class OpenStatus:
    known: bool
    is_open: bool = False
    closes_at: datetime | None = None
    next_opening: datetime | None = None
    reason: str = ""


def status_at(schedule: Schedule, moment: datetime) -> OpenStatus:
    if not schedule.known:
        return OpenStatus(known=False)
    local = moment.astimezone(TIME_ZONE)
    today, now = local.date(), local.time()
    intervals, reason = schedule.rule_on(today)
    for interval in intervals:
        if interval.opens <= now < interval.closes:
            return OpenStatus(known=True, is_open=True, closes_at=_at(today, interval.closes))
    return OpenStatus(known=True, next_opening=next_opening(schedule, local), reason=reason)


def next_opening(schedule: Schedule, moment: datetime) -> datetime | None:
    """The first opening strictly after the moment, within a year."""
    local = moment.astimezone(TIME_ZONE)
    for offset in range(HORIZON_DAYS):
        day = local.date() + timedelta(days=offset)
        intervals, _ = schedule.rule_on(day)
        for interval in intervals:
            opening = _at(day, interval.opens)
            if opening > local:
                return opening
    return None


def upcoming_closures(schedule: Schedule, today: date, days: int = 60) -> list[DateRangeRule]:
    """Closures and holidays that fall on a usually open day in the coming days."""
    closures = [
        rule
        for rule in schedule.exceptions
        if not rule.intervals and rule.end >= today and rule.start <= today + timedelta(days)
    ]
    for day, name in sorted(schedule.holidays.items()):
        in_range = today <= day <= today + timedelta(days)
        overridden = any(rule.start <= day <= rule.end for rule in schedule.exceptions)
        if in_range and schedule.weekly.get(day.weekday()) and not overridden:
            closures.append(DateRangeRule(day, day, (), name))
    return sorted(closures, key=lambda rule: rule.start)


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=TIME_ZONE)
