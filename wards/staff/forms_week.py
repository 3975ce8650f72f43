"""The week as offices state it: each day open or closed, with a morning and an afternoon.

Times are typed as 24-hour text ("07:30", "7h30", "17.00"), so a phone shows them the same
way whatever its locale; every input has its own label for screen readers.
"""

from dataclasses import dataclass
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from wards.models import Weekday

PERIODS = (("am", _("sáng")), ("pm", _("chiều")))
TIME_FORMATS = ["%H:%M", "%H.%M", "%Hh%M", "%Hg%M", "%Hh", "%H"]
WORKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


class TimeText(forms.TimeInput):
    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "placeholder": "07:30",
            "maxlength": "5",
            "size": "5",
            "autocomplete": "off",
            "class": "time",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%H:%M")


@dataclass(frozen=True)
class DayRow:
    """One day of the form, for the template: its label and its bound fields."""

    label: str
    open: forms.BoundField
    times: list[tuple[str, forms.BoundField, forms.BoundField]]


def field_names(day: int) -> list[str]:
    return [f"d{day}_open"] + [f"d{day}_{p}_{end}" for p, _ in PERIODS for end in ("from", "to")]


class WeekForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day, label in Weekday.choices:
            self.fields[f"d{day}_open"] = forms.BooleanField(
                label=_("%(day)s: mở cửa") % {"day": label}, required=False
            )
            for period, period_label in PERIODS:
                for end, end_label in (("from", _("từ")), ("to", _("đến"))):
                    self.fields[f"d{day}_{period}_{end}"] = forms.TimeField(
                        label=f"{label}, {period_label}, {end_label}",
                        required=False,
                        input_formats=TIME_FORMATS,
                        widget=TimeText(),
                        error_messages={"invalid": _("Giờ viết như 07:30 hoặc 17:00.")},
                    )

    def days(self) -> list[DayRow]:
        return [
            DayRow(
                label=str(label),
                open=self[f"d{day}_open"],
                times=[
                    (str(period_label), self[f"d{day}_{period}_from"], self[f"d{day}_{period}_to"])
                    for period, period_label in PERIODS
                ],
            )
            for day, label in Weekday.choices
        ]

    def clean(self):
        cleaned = super().clean()
        for day, _label in Weekday.choices:
            if not cleaned.get(f"d{day}_open"):
                continue
            intervals = []
            for period, _period_label in PERIODS:
                start = cleaned.get(f"d{day}_{period}_from")
                end = cleaned.get(f"d{day}_{period}_to")
                if f"d{day}_{period}_from" in self.errors or f"d{day}_{period}_to" in self.errors:
                    continue
                if (start is None) != (end is None):
                    missing = f"d{day}_{period}_to" if end is None else f"d{day}_{period}_from"
                    self.add_error(missing, _("Nhập cả giờ bắt đầu và giờ kết thúc."))
                elif start is not None and end <= start:
                    self.add_error(f"d{day}_{period}_to", _("Giờ kết thúc phải sau giờ bắt đầu."))
                elif start is not None:
                    intervals.append((start, end, period))
            if len(intervals) == 2 and intervals[1][0] < intervals[0][1]:
                self.add_error(f"d{day}_pm_from", _("Buổi chiều phải bắt đầu sau buổi sáng."))
            if not intervals and not any(name in self.errors for name in field_names(day)):
                self.add_error(f"d{day}_open", _("Ngày mở cửa cần ít nhất một khoảng giờ."))
        return cleaned

    def intervals(self) -> list[tuple[int, time, time]]:
        data = self.cleaned_data
        return [
            (day, data[f"d{day}_{period}_from"], data[f"d{day}_{period}_to"])
            for day, _label in Weekday.choices
            if data.get(f"d{day}_open")
            for period, _period_label in PERIODS
            if data.get(f"d{day}_{period}_from") is not None
        ]


def week_initial(intervals: list[tuple[int, time, time]]) -> dict[str, object]:
    """The form's values for a saved week: a day's first interval in the morning slot,
    its second in the afternoon one."""
    initial: dict[str, object] = {}
    by_day: dict[int, list[tuple[time, time]]] = {}
    for day, opens, closes in sorted(intervals):
        by_day.setdefault(day, []).append((opens, closes))
    for day, pairs in by_day.items():
        initial[f"d{day}_open"] = True
        for (period, _label), (opens, closes) in zip(PERIODS, pairs, strict=False):
            initial[f"d{day}_{period}_from"] = opens
            initial[f"d{day}_{period}_to"] = closes
    return initial


def typed_week(data) -> dict[str, object]:
    """What was typed, to show again after a shortcut (nothing is saved then)."""
    typed: dict[str, object] = {}
    for day, _label in Weekday.choices:
        names = field_names(day)
        typed[names[0]] = bool(data.get(names[0]))
        for name in names[1:]:
            typed[name] = str(data.get(name, ""))[:5]
    return typed


def apply_shortcut(typed: dict[str, object], shortcut: str) -> dict[str, object]:
    """Monday's hours for the whole working week, or Monday's morning for Saturday."""
    week = dict(typed)
    monday = {p: (typed.get(f"d0_{p}_from", ""), typed.get(f"d0_{p}_to", "")) for p, _ in PERIODS}
    if shortcut == "mon_fri":
        for day in WORKDAYS[1:]:
            week[f"d{day}_open"] = True
            for period, (start, end) in monday.items():
                week[f"d{day}_{period}_from"], week[f"d{day}_{period}_to"] = start, end
        week["d0_open"] = True
    elif shortcut == "sat_morning":
        week[f"d{Weekday.SATURDAY}_open"] = True
        start, end = monday["am"]
        week[f"d{Weekday.SATURDAY}_am_from"], week[f"d{Weekday.SATURDAY}_am_to"] = start, end
        week[f"d{Weekday.SATURDAY}_pm_from"] = week[f"d{Weekday.SATURDAY}_pm_to"] = ""
    return week
