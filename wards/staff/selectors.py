"""What a staff account may see: only the units it is a member of (404 otherwise, so the
existence of other units' rows is not revealed)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wards.models import (
    HoursException,
    Notice,
    ServicePoint,
    StaffMembership,
    StaffRole,
    Unit,
    WeeklyHours,
)

STALE_AFTER = timedelta(days=90)


def staff_units(user) -> QuerySet[Unit]:
    return Unit.objects.filter(staff_memberships__user=user).select_related("province")


def _allowed_units(user) -> QuerySet[Unit]:
    return Unit.objects.all() if user.is_superuser else staff_units(user)


def staff_unit_get(user, code: str) -> Unit:
    return get_object_or_404(_allowed_units(user), code=code)


def staff_service_point_get(user, pk: int) -> ServicePoint:
    points = ServicePoint.objects.filter(unit__in=_allowed_units(user))
    return get_object_or_404(points.select_related("unit__province"), pk=pk)


def staff_sibling_points(point: ServicePoint) -> list[ServicePoint]:
    """The other active points of the same unit (whose staff may edit this one), with their
    weeks, to copy hours from."""
    return list(
        ServicePoint.objects.filter(unit_id=point.unit_id, is_active=True)
        .exclude(pk=point.pk)
        .prefetch_related("weekly_hours")
        .order_by("name")
    )


def staff_exception_get(user, pk: int) -> HoursException:
    exceptions = HoursException.objects.filter(service_point__unit__in=_allowed_units(user))
    return get_object_or_404(exceptions.select_related("service_point"), pk=pk)


def staff_notice_get(user, pk: int) -> Notice:
    notices = Notice.objects.filter(unit__in=_allowed_units(user))
    return get_object_or_404(notices.select_related("unit"), pk=pk)


def staff_is_unit_admin(user, unit: Unit) -> bool:
    return (
        user.is_superuser
        or StaffMembership.objects.filter(user=user, unit=unit, role=StaffRole.UNIT_ADMIN).exists()
    )


@dataclass(frozen=True)
class Need:
    """Something a point still lacks, and the page that fixes it in one click."""

    text: str
    url: str


@dataclass(frozen=True)
class DashboardRow:
    point: ServicePoint
    needs_attention: list[Need]


def staff_dashboard(user) -> list[DashboardRow]:
    """The user's units' service points, each with what needs attention."""
    return _dashboard_rows(ServicePoint.objects.filter(unit__in=staff_units(user)))


def staff_dashboard_row(point: ServicePoint) -> DashboardRow:
    """One dashboard row, for a point the caller has already resolved for its user."""
    return _dashboard_rows(ServicePoint.objects.filter(pk=point.pk))[0]


def _dashboard_rows(points: QuerySet[ServicePoint]) -> list[DashboardRow]:
    stale_before = timezone.now() - STALE_AFTER
    points = (
        points.select_related("unit__province")
        .prefetch_related("weekly_hours")
        .order_by("unit__name_folded", "name")
    )
    rows = []
    for point in points:
        edit = reverse("staff:point_edit", args=[point.pk])
        hours = reverse("staff:point_hours", args=[point.pk])
        verify = reverse("staff:dashboard") + f"#point-{point.pk}"
        week = list(point.weekly_hours.all())
        needs = []
        if not week:
            needs.append(Need(_("Chưa có giờ làm việc"), hours))
        elif not _has_lunch_break(week):
            needs.append(Need(_("Chưa có giờ nghỉ trưa (buổi sáng, buổi chiều)"), hours))
        if not point.phone:
            needs.append(Need(_("Chưa có số điện thoại"), edit + "#id_phone"))
        if not point.address:
            needs.append(Need(_("Chưa có địa chỉ"), edit + "#id_address"))
        if not point.accessibility_notes:
            needs.append(
                Need(_("Chưa có thông tin hỗ trợ tiếp cận"), edit + "#id_accessibility_notes")
            )
        if point.verified_at is None:
            needs.append(Need(_("Chưa xác nhận thông tin"), verify))
        elif point.verified_at < stale_before:
            needs.append(Need(_("Quá 90 ngày chưa xác nhận"), verify))
        rows.append(DashboardRow(point, needs))
    return rows


def _has_lunch_break(week: list[WeeklyHours]) -> bool:
    """Whether some day is split in two: an office that stays open over noon every day
    has nothing to add, but most state a morning and an afternoon."""
    days: dict[int, int] = {}
    for hours in week:
        days[hours.weekday] = days.get(hours.weekday, 0) + 1
    return any(count > 1 for count in days.values())


def staff_unit_notices(unit: Unit) -> QuerySet[Notice]:
    return unit.notices.select_related("created_by")
