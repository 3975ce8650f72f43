"""Reads for the API (wards/api.py), as plain dicts in the API's shapes. A fact nobody has
confirmed is None, never a guess."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from portal.text import blank_as_none, fold
from wards import selectors
from wards.models import HoursException, Province, ServicePoint, Unit, WeeklyHours
from wards.nearby import distance_km
from wards.opening import TIME_ZONE, OpenStatus, status_at
from wards.service_point_display import (
    ServicePointView,
    holidays_ahead,
    schedule_of,
    service_point_views,
)


def province_as_json(province: Province) -> dict:
    return {
        "code": province.code,
        "name": province.name,
        "full_name": province.full_name,
        "type": province.type,
        "url": province.get_absolute_url(),
        "unit_count": province.unit_count,
    }


def unit_search(*, province: str | None, unit_type: str | None, query: str) -> QuerySet[Unit]:
    """Units by code, in a stable order, whose name holds every word of the query in any
    spelling."""
    units = Unit.objects.select_related("province")
    if province:
        units = units.filter(province__code=province)
    if unit_type:
        units = units.filter(type=unit_type)
    for word in fold(query).split()[:10]:
        units = units.filter(name_folded__contains=word)
    return units.order_by("code")


def unit_as_json(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "name": unit.name,
        "full_name": unit.full_name,
        "type": unit.type,
        "province": {"code": unit.province.code, "name": unit.province.full_name},
        "url": unit.get_absolute_url(),
        "latitude": unit.latitude,
        "longitude": unit.longitude,
    }


def unit_detail(*, code: str, now: datetime) -> dict | None:
    unit = Unit.objects.select_related("province").filter(code=code).first()
    if unit is None:
        return None
    notices = selectors.unit_notices_active(unit, now.date())
    return {
        **unit_as_json(unit),
        "legal_basis": blank_as_none(unit.legal_basis),
        "legal_basis_date": unit.legal_basis_date,
        "former_units": [
            {
                "code": blank_as_none(p.former_unit.code),
                "name": p.former_unit.full_name,
                "type": blank_as_none(p.former_unit.type),
                "district": p.former_unit.district_name,
                "province": p.former_unit.former_province_name,
                "whole": p.is_whole,
                "is_default": p.is_default,
            }
            for p in selectors.unit_predecessors(unit)
        ],
        "service_points": [
            point_as_json(view)
            for view in service_point_views(
                ServicePoint.objects.filter(unit=unit, is_active=True).order_by("pk"), now
            )
        ],
        "notices": [
            {
                "kind": notice.kind,
                "title": notice.title,
                "body_html": notice.body,
                "published_at": notice.published_at,
                "ends_on": notice.ends_on,
            }
            for notice in notices["closure_notices"] + notices["general_notices"]
        ],
    }


def status_as_json(status: OpenStatus) -> dict:
    return {
        "known": status.known,
        "is_open": status.is_open if status.known else None,
        "closes_at": status.closes_at,
        "next_opening": status.next_opening,
        "reason": blank_as_none(status.reason),
    }


def point_as_json(view: ServicePointView, distance: float | None = None) -> dict:
    point = view.point
    return {
        "id": point.pk,
        "name": point.name,
        "kind": point.kind,
        "unit": point.unit.code,
        "address": blank_as_none(point.address),
        "phone": blank_as_none(point.phone),
        "email": blank_as_none(point.email),
        "latitude": point.latitude,
        "longitude": point.longitude,
        "coordinates_approximate": point.coordinates_approximate,
        "verified_at": point.verified_at,
        "source": point.source,
        "open_status": status_as_json(view.status),
        "distance_km": None if distance is None else round(distance, 3),
    }


def service_point_search(
    *,
    unit_code: str | None,
    kind: str | None,
    open_now: bool,
    near: tuple[float, float] | None,
    now: datetime,
) -> "PointRows":
    """Active service points in a stable order (by id; nearest first, with the distance,
    when `near` is given, points without coordinates last). Only the ids, coordinates and,
    for `open_now`, the open status of every candidate are read; the page asked for is
    built in full."""
    points = ServicePoint.objects.filter(is_active=True)
    if unit_code:
        points = points.filter(unit__code=unit_code)
    if kind:
        points = points.filter(kind=kind)
    if open_now:
        # A point whose hours nobody has confirmed is never "open now": only points with
        # weekly hours or special hours are looked at.
        timed = points.filter(
            Q(weekly_hours__isnull=False) | Q(exceptions__end_date__gte=now.date())
        ).distinct()
        points = points.filter(pk__in=_open_ids(timed, now))
    rows = list(points.order_by("pk").values_list("pk", "latitude", "longitude"))
    distances: dict[int, float | None] = {}
    if near is not None:
        for pk, latitude, longitude in rows:
            known = latitude is not None and longitude is not None
            distances[pk] = distance_km(*near, latitude, longitude) if known else None
        rows.sort(key=lambda row: (distances[row[0]] is None, distances[row[0]] or 0.0, row[0]))
    return PointRows([pk for pk, _lat, _lon in rows], distances if near else None, now)


@dataclass
class PointRows:
    """A list the API pages through: slicing builds the points of that page only."""

    ids: list[int]
    distances: dict[int, float | None] | None
    now: datetime

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list[dict]:
        wanted = self.ids[window]
        views = service_point_views(ServicePoint.objects.filter(pk__in=wanted), self.now)
        by_pk = {view.point.pk: view for view in views}
        return [
            point_as_json(by_pk[pk], None if self.distances is None else self.distances[pk])
            for pk in wanted
        ]


def _open_ids(points, now: datetime) -> list[int]:
    """The points open now, from their schedules alone (no week ahead built)."""
    today = now.astimezone(TIME_ZONE).date()
    holidays = holidays_ahead(today)
    points = points.prefetch_related(
        Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens")),
        Prefetch("exceptions", queryset=HoursException.objects.filter(end_date__gte=today)),
    ).only("pk")
    return [point.pk for point in points if status_at(schedule_of(point, holidays), now).is_open]


def service_point_detail(*, point_id: int, at: datetime) -> dict | None:
    points = ServicePoint.objects.filter(pk=point_id, is_active=True)
    views = service_point_views(points, at)
    if not views:
        return None
    view = views[0]
    point = view.point
    return {
        **point_as_json(view),
        "at": at,
        "weekly_hours": [
            {"weekday": hours.weekday, "opens": hours.opens, "closes": hours.closes}
            for hours in point.weekly_hours.all()
        ],
        "exceptions": [
            {
                "start_date": rule.start,
                "end_date": rule.end,
                "kind": "closed" if not rule.intervals else "special_hours",
                "reason": blank_as_none(rule.reason),
                "intervals": [{"opens": i.opens, "closes": i.closes} for i in rule.intervals],
            }
            for rule in [*view.closures, *view.special_hours]
        ],
        "accessibility_notes": blank_as_none(point.accessibility_notes),
        "note": blank_as_none(point.note),
    }
