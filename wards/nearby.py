"""The service points nearest to a place, with whether each is open now."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from heapq import nsmallest
from math import asin, cos, degrees, radians, sin, sqrt

from django.db.models import Prefetch, QuerySet

from wards.models import HoursException, ServicePoint, Unit, WeeklyHours
from wards.opening import TIME_ZONE, OpenStatus, status_at
from wards.service_point_display import holidays_ahead, schedule_of

EARTH_RADIUS_KM = 6371.0088
# Wide enough to hold ten points almost anywhere on the mainland; a sparser place (an
# island) falls back to searching every point.
SEARCH_RADIUS_KM = 30.0


@dataclass(frozen=True)
class NearbyPoint:
    point: ServicePoint
    distance_km: float
    status: OpenStatus


# Rough boxes (south, north, west, east) around the mainland, Hoàng Sa and Trường Sa: enough
# to catch a position abroad or a typo, not to draw a border.
VIETNAM_BOXES = ((8.0, 24.0, 102.0, 110.0), (15.5, 17.5, 110.0, 113.0), (6.0, 12.0, 111.0, 117.5))


def in_vietnam(latitude: float, longitude: float) -> bool:
    return any(s <= latitude <= n and w <= longitude <= e for s, n, w, e in VIETNAM_BOXES)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = radians(lat1), radians(lat2)
    a = sin((phi2 - phi1) / 2) ** 2 + cos(phi1) * cos(phi2) * sin(radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))


def service_points_nearest(
    *, latitude: float, longitude: float, now: datetime, limit: int = 10
) -> list[NearbyPoint]:
    """The `limit` nearest active service points with coordinates, open ones first, then
    by distance. Five queries; six where points are sparse (see _nearest)."""
    ranked = _nearest(latitude, longitude, limit)
    today = now.astimezone(TIME_ZONE).date()
    points = ServicePoint.objects.filter(pk__in=[pk for _, pk in ranked]).select_related(
        "unit__province"
    )
    points = points.prefetch_related(
        Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "exceptions", queryset=HoursException.objects.filter(end_date__gte=today - timedelta(1))
        ),
    )
    by_pk = {point.pk: point for point in points}
    holidays = holidays_ahead(today)
    found = [
        NearbyPoint(
            point=by_pk[pk],
            distance_km=distance,
            status=status_at(schedule_of(by_pk[pk], holidays), now),
        )
        for distance, pk in ranked
        if pk in by_pk
    ]
    return sorted(found, key=lambda near: (not near.status.is_open, near.distance_km))


def unit_origin(unit: Unit) -> tuple[float, float] | None:
    """Where to measure from for a resident who picked their unit: its service point, or
    the unit's own approximate centre when no point has coordinates."""
    point = (
        ServicePoint.objects.filter(
            unit=unit, is_active=True, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("kind", "pk")
        .values_list("latitude", "longitude")
        .first()
    )
    if point:
        return point
    if unit.latitude is not None and unit.longitude is not None:
        return unit.latitude, unit.longitude
    return None


def _nearest(latitude: float, longitude: float, limit: int) -> list[tuple[float, int]]:
    """(distance, pk) of the nearest points, nearest first. The box's ranking is exact only
    when its last point lies within the search radius; otherwise rank every point."""
    located = ServicePoint.objects.filter(
        is_active=True, latitude__isnull=False, longitude__isnull=False
    )
    box = located.filter(**_box(latitude, longitude, SEARCH_RADIUS_KM))
    ranked = _rank(box, latitude, longitude, limit)
    if len(ranked) == limit and (not ranked or ranked[-1][0] <= SEARCH_RADIUS_KM):
        return ranked
    return _rank(located, latitude, longitude, limit)


def _rank(
    points: QuerySet[ServicePoint], latitude: float, longitude: float, limit: int
) -> list[tuple[float, int]]:
    rows = points.values_list("pk", "latitude", "longitude")
    return nsmallest(limit, ((distance_km(latitude, longitude, y, x), pk) for pk, y, x in rows))


def _box(latitude: float, longitude: float, radius_km: float) -> dict[str, float]:
    """Lookups for a latitude/longitude box holding every point within radius_km."""
    angle = radius_km / EARTH_RADIUS_KM
    box = {
        "latitude__gte": latitude - degrees(angle),
        "latitude__lte": latitude + degrees(angle),
    }
    # Widest longitude span of the circle; near a pole or the antimeridian, any longitude.
    spread = sin(angle) / cos(radians(latitude)) if abs(latitude) < 89 else 2.0
    if spread < 1:
        delta = degrees(asin(spread))
        if longitude - delta >= -180 and longitude + delta <= 180:
            box |= {"longitude__gte": longitude - delta, "longitude__lte": longitude + delta}
    return box
