"""The change history of a service point, its hours and closures, for unit admins."""

from dataclasses import dataclass
from datetime import datetime

from wards.models import HoursException, Notice, ServicePoint, WeeklyHours

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "source", "source_version"}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str
    changes: list[tuple[str, str, str]]


def service_point_history(point: ServicePoint, limit: int = 200) -> list[HistoryEntry]:
    entries = []
    records = list(point.history.select_related("history_user").order_by("-history_date")[:limit])
    for position, record in enumerate(records):
        # Newest first, so the record before this one is the next in the list.
        previous = records[position + 1] if position + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [
                (_label(ServicePoint, change.field), _show(change.old), _show(change.new))
                for change in delta.changes
                if change.field not in HIDDEN_FIELDS
            ]
            if not changes:
                continue
        entries.append(HistoryEntry(record.history_date, _who(record), _what(record), changes))
    for model, label in (
        (WeeklyHours, "Giờ làm việc"),
        (HoursException, "Ngày nghỉ, giờ đặc biệt"),
    ):
        for record in (
            model.history.filter(service_point_id=point.pk)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        ):
            entries.append(
                HistoryEntry(
                    record.history_date,
                    _who(record),
                    f"{label}: {_what(record)}",
                    [("", "", str(record.instance))],
                )
            )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)[:limit]


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _show(value) -> str:
    return "—" if value in (None, "") else str(value)


def _who(record) -> str:
    return record.history_user.get_username() if record.history_user else "hệ thống (nhập dữ liệu)"


def _what(record) -> str:
    return {"+": "tạo mới", "~": "sửa", "-": "xoá"}[record.history_type]


def unit_notice_history(unit_id: int, limit: int = 100) -> list[HistoryEntry]:
    records = (
        Notice.history.filter(unit_id=unit_id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    return [
        HistoryEntry(record.history_date, _who(record), _notice_what(record), [])
        for record in records
    ]


def _notice_what(record) -> str:
    if record.history_type == "~" and record.withdrawn_at:
        return f"thu hồi: {record.title}"
    return f"{_what(record)}: {record.title}"
