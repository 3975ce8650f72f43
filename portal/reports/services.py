"""Every write to reports, and the two emails a report causes."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.i18n import in_site_language
from portal.reports import tasks
from portal.reports.models import Report, ReportStatus
from procedures.services import CATALOGUE_EDITORS


def report_create(
    *, unit=None, service_point=None, procedure=None, what_is_wrong: str, email: str = ""
) -> Report:
    """Store a resident's report and, once it is committed, tell whoever keeps the facts."""
    report = Report.objects.create(
        unit=unit or (service_point.unit if service_point else None),
        service_point=service_point,
        procedure=procedure,
        what_is_wrong=what_is_wrong.strip(),
        email=email.strip().lower(),
    )
    transaction.on_commit(lambda: tasks.notify_staff.delay(report.pk))
    return report


def report_resolve(*, report: Report, status: str, staff_note: str, user) -> bool:
    """Close an open report as fixed or not a problem; the reporter, if they left an
    address, hears back once. False when someone closed it already."""
    with transaction.atomic():
        closed = Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=status,
            staff_note=staff_note.strip(),
            resolved_at=timezone.now(),
            resolved_by=user,
        )
        if closed and report.email:
            transaction.on_commit(lambda: tasks.reply_to_reporter.delay(report.pk))
    return bool(closed)


@in_site_language
def report_staff_notify(*, report_id: int) -> bool:
    """One email about a new report to the unit's staff, or to the catalogue editors for a
    procedure; sent at most once (claimed before sending, in the same transaction)."""
    with transaction.atomic():
        claimed = Report.objects.filter(pk=report_id, staff_notified_at=None).update(
            staff_notified_at=timezone.now()
        )
        if not claimed:
            return False
        report = Report.objects.select_related("unit", "service_point", "procedure").get(
            pk=report_id
        )
        recipients = _keepers(report)
        if recipients:
            _send(
                template="staff_new",
                subject=f"Người dân báo thông tin sai: {report.subject}",
                context={"report": report, "queue_url": _queue_url(report)},
                bcc=recipients,
            )
    return bool(recipients)


@in_site_language
def report_reply(*, report_id: int) -> bool:
    with transaction.atomic():
        claimed = (
            Report.objects.filter(pk=report_id, reply_sent_at=None)
            .exclude(email="")
            .exclude(status=ReportStatus.OPEN)
            .update(reply_sent_at=timezone.now())
        )
        if not claimed:
            return False
        report = Report.objects.select_related("unit", "service_point", "procedure").get(
            pk=report_id
        )
        _send(
            template="reply",
            subject=f"Trả lời báo thông tin sai: {report.subject}",
            context={"report": report},
            to=[report.email],
        )
    return True


def _keepers(report: Report) -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if report.procedure_id:
        users = users.filter(groups__name=CATALOGUE_EDITORS)
    else:
        users = users.filter(unit_memberships__unit_id=report.unit_id)
    return sorted({email.lower() for email in users.values_list("email", flat=True)})


def _queue_url(report: Report) -> str:
    if report.procedure_id:
        path = reverse("admin:reports_report_change", args=[report.pk])
    else:
        path = reverse("reports_staff:queue")
    return settings.SITE_URL + path


def _send(*, template: str, subject: str, context: dict, to=(), bcc=()) -> None:
    body = render_to_string(
        f"reports/email/{template}.txt", {"site_url": settings.SITE_URL, **context}
    )
    EmailMessage(subject=subject, body=body, to=list(to), bcc=list(bcc)).send()
