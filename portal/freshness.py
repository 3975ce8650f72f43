"""The admins' view of how current each unit's facts are: what is confirmed and when, the
reports waiting and for how long, and the staff who keep the unit and when they last came."""

import csv
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, IntegerField, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.reports.models import Report, ReportStatus
from wards.models import ServicePoint, StaffMembership, Unit, WeeklyHours
from wards.staff.selectors import STALE_AFTER

COLUMNS = {
    "don_vi": "name_folded",
    "xac_nhan": "last_confirmed",
    "bao_sai": "open_reports",
    "bao_sai_cu_nhat": "oldest_report",
    "can_bo": "staff",
    "dang_nhap": "last_login",
}


@dataclass(frozen=True)
class UnitFreshness:
    unit: Unit
    points: int
    with_hours: int
    with_phone: int
    last_confirmed: datetime | None
    open_reports: int
    oldest_report: datetime | None
    staff: int
    last_login: datetime | None
    stale: bool

    @property
    def oldest_report_days(self) -> int | None:
        return (timezone.now() - self.oldest_report).days if self.oldest_report else None


def unit_freshness(*, province_code: str, order: str = "don_vi") -> list[UnitFreshness]:
    points = ServicePoint.objects.filter(unit=OuterRef("pk"), is_active=True)
    reports = Report.objects.filter(unit=OuterRef("pk"), procedure=None, status=ReportStatus.OPEN)
    staff = StaffMembership.objects.filter(unit=OuterRef("pk"), user__is_active=True)

    def count(queryset):
        counted = queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    def latest(queryset, field, aggregate=Max):
        found = queryset.order_by().values("unit").annotate(x=aggregate(field)).values("x")
        return Subquery(found)

    hours = WeeklyHours.objects.filter(service_point=OuterRef("pk"))
    units = Unit.objects.filter(province__code=province_code).select_related("province")
    units = units.annotate(
        points=count(points),
        with_hours=count(points.filter(Exists(hours))),
        with_phone=count(points.exclude(phone="")),
        last_confirmed=latest(points, "verified_at"),
        open_reports=count(reports),
        oldest_report=latest(reports, "created_at", Min),
        staff=count(staff),
        last_login=latest(staff, "user__last_login"),
    )
    field = F(COLUMNS.get(order.lstrip("-"), "name_folded"))
    ordering = field.desc(nulls_last=True) if order.startswith("-") else field.asc(nulls_first=True)
    units = units.order_by(ordering, "name_folded")
    stale_before = timezone.now() - STALE_AFTER
    return [
        UnitFreshness(
            unit=unit,
            points=unit.points,
            with_hours=unit.with_hours,
            with_phone=unit.with_phone,
            last_confirmed=unit.last_confirmed,
            open_reports=unit.open_reports,
            oldest_report=unit.oldest_report,
            staff=unit.staff,
            last_login=unit.last_login,
            stale=unit.last_confirmed is None or unit.last_confirmed < stale_before,
        )
        for unit in units
    ]


@require_safe
@never_cache
@staff_member_required
def freshness(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    order = request.GET.get("o", "don_vi")[:20]
    rows = unit_freshness(province_code=settings.DEFAULT_PROVINCE_CODE, order=order)
    if request.GET.get("dang") == "csv":
        return _csv(rows)
    context = {
        **admin.site.each_context(request),
        "title": "Độ cập nhật thông tin các phường, xã",
        "rows": rows,
        "order": order,
        "columns": [
            ("don_vi", "Đơn vị"),
            ("xac_nhan", "Xác nhận lần cuối"),
            ("bao_sai", "Báo sai chờ xử lý"),
            ("bao_sai_cu_nhat", "Báo sai cũ nhất"),
            ("can_bo", "Cán bộ"),
            ("dang_nhap", "Đăng nhập lần cuối"),
        ],
        "stale_count": sum(row.stale for row in rows),
    }
    return TemplateResponse(request, "admin/freshness.html", context)


def _csv(rows: list[UnitFreshness]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="do-cap-nhat.csv"'
    response.write("\ufeff")  # spreadsheets then read the Vietnamese right
    writer = csv.writer(response)
    writer.writerow(
        [
            "ma_don_vi",
            "don_vi",
            "diem_phuc_vu",
            "co_gio_lam_viec",
            "co_dien_thoai",
            "xac_nhan_lan_cuoi",
            "qua_90_ngay",
            "bao_sai_chua_xu_ly",
            "bao_sai_cu_nhat_ngay",
            "can_bo",
            "dang_nhap_lan_cuoi",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.unit.code,
                row.unit.full_name,
                row.points,
                row.with_hours,
                row.with_phone,
                _date(row.last_confirmed),
                "co" if row.stale else "khong",
                row.open_reports,
                "" if row.oldest_report_days is None else row.oldest_report_days,
                row.staff,
                _date(row.last_login),
            ]
        )
    return response


def _date(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""
