from django import template

from portal.reports.models import ReportStatus
from portal.reports.selectors import staff_reports

register = template.Library()


@register.inclusion_tag("reports/_queue_link.html")
def reports_queue_link(user):
    """The staff dashboard's way into residents' reports, with how many wait."""
    waiting = staff_reports(user).filter(status=ReportStatus.OPEN).count()
    return {"waiting": waiting}
