from django.db.models import QuerySet
from django.http import Http404

from portal.reports.models import Report
from procedures.models import Procedure, Status
from wards.models import ServicePoint, Unit
from wards.staff.selectors import staff_units


def report_target(params) -> dict | None:
    """What a report is about, from the page it was opened on: a unit (`don_vi`, its code),
    a service point (`diem`) or a published procedure (`thu_tuc`). None when unclear."""
    code, point, slug = (str(params.get(key, ""))[:200] for key in ("don_vi", "diem", "thu_tuc"))
    if point.isdigit() and len(point) < 12:
        found = ServicePoint.objects.select_related("unit").filter(pk=int(point)).first()
        return {"service_point": found, "unit": found.unit} if found else None
    if code:
        found = Unit.objects.filter(code=code).first()
        return {"unit": found} if found else None
    if slug:
        found = Procedure.objects.filter(slug=slug, status=Status.PUBLISHED).first()
        return {"procedure": found} if found else None
    return None


def staff_reports(user) -> QuerySet[Report]:
    """Reports about the user's own units, open ones first."""
    return (
        Report.objects.filter(unit__in=staff_units(user), procedure=None)
        .select_related("unit", "service_point", "resolved_by")
        .order_by("-status", "-created_at")
    )


def staff_report_get(user, pk: int) -> Report:
    report = staff_reports(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
