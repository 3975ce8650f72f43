from django import template

from portal.reports.models import Report, ReportStatus
from wards.staff.selectors import staff_units

register = template.Library()


@register.inclusion_tag("reports/_queue_link.html")
def reports_queue_link(user):
    """The staff dashboard's way into residents' reports, with how many wait."""
    waiting = Report.objects.filter(
        unit__in=staff_units(user), procedure=None, status=ReportStatus.OPEN
    ).count()
    return {"waiting": waiting}
