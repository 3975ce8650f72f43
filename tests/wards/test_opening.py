"""Opening hours in Asia/Ho_Chi_Minh: the edge cases residents meet."""

from datetime import UTC, date, datetime, time

from wards.opening import (
    TIME_ZONE,
    DateRangeRule,
    Interval,
    Schedule,
    next_opening,
    status_at,
    upcoming_closures,
)

MORNING = Interval(time(7, 30), time(11, 30))
AFTERNOON = Interval(time(13, 30), time(17, 0))
WEEKDAYS = {day: (MORNING, AFTERNOON) for day in range(5)} | {5: (MORNING,)}


def at(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TIME_ZONE)


# 2026-11-23 is a Monday.
def test_open_in_the_morning_and_closes_at_lunch():
    status = status_at(Schedule(weekly=WEEKDAYS), at(2026, 11, 23, 9))
    assert status.is_open
    assert status.closes_at == at(2026, 11, 23, 11, 30)


def test_closed_over_the_lunch_break_and_reopens_the_same_afternoon():
    status = status_at(Schedule(weekly=WEEKDAYS), at(2026, 11, 23, 12))
    assert not status.is_open
    assert status.next_opening == at(2026, 11, 23, 13, 30)


def test_closing_time_itself_is_closed():
    assert not status_at(Schedule(weekly=WEEKDAYS), at(2026, 11, 23, 17)).is_open


def test_after_midnight_the_next_opening_is_that_morning():
    status = status_at(Schedule(weekly=WEEKDAYS), at(2026, 11, 24, 0, 5))
    assert status.next_opening == at(2026, 11, 24, 7, 30)


def test_saturday_afternoon_reopens_on_monday():
    status = status_at(Schedule(weekly=WEEKDAYS), at(2026, 11, 28, 14))
    assert status.next_opening == at(2026, 11, 30, 7, 30)


def test_utc_moment_is_read_in_vietnam_time():
    # 01:30 UTC is 08:30 in Hà Nội.
    moment = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert status_at(Schedule(weekly=WEEKDAYS), moment).is_open


def test_a_closure_that_starts_tomorrow_leaves_today_open_and_skips_to_after_it():
    closure = DateRangeRule(date(2026, 11, 24), date(2026, 11, 25), (), "Chuyển trụ sở")
    schedule = Schedule(weekly=WEEKDAYS, exceptions=(closure,))
    assert status_at(schedule, at(2026, 11, 23, 16)).is_open
    assert next_opening(schedule, at(2026, 11, 23, 17)) == at(2026, 11, 26, 7, 30)


def test_a_holiday_on_monday_closes_it_with_the_holidays_name():
    schedule = Schedule(weekly=WEEKDAYS, holidays={date(2026, 4, 27): "Giỗ Tổ Hùng Vương"})
    status = status_at(schedule, at(2026, 4, 27, 9))
    assert not status.is_open
    assert status.reason == "Giỗ Tổ Hùng Vương"
    assert status.next_opening == at(2026, 4, 28, 7, 30)


def test_special_hours_replace_the_week_and_win_over_a_holiday():
    special = DateRangeRule(date(2026, 4, 27), date(2026, 4, 27), (Interval(time(8), time(10)),))
    schedule = Schedule(
        weekly=WEEKDAYS, exceptions=(special,), holidays={date(2026, 4, 27): "Giỗ Tổ"}
    )
    assert status_at(schedule, at(2026, 4, 27, 9)).is_open
    assert not status_at(schedule, at(2026, 4, 27, 10, 30)).is_open


def test_no_weekly_hours_is_unknown_not_closed():
    status = status_at(Schedule(), at(2026, 11, 23, 9))
    assert status.known is False
    assert status.is_open is False


def test_upcoming_closures_list_holidays_on_open_days_and_closures():
    closure = DateRangeRule(date(2026, 12, 1), date(2026, 12, 2), (), "Sửa chữa")
    schedule = Schedule(
        weekly=WEEKDAYS,
        exceptions=(closure,),
        holidays={date(2027, 1, 1): "Tết Dương lịch", date(2026, 11, 29): "Chủ nhật lễ"},
    )
    found = upcoming_closures(schedule, date(2026, 11, 25), days=60)
    assert [(rule.start, rule.reason) for rule in found] == [
        (date(2026, 12, 1), "Sửa chữa"),
        (date(2027, 1, 1), "Tết Dương lịch"),
    ]
