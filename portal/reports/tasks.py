"""Thin tasks that take a report's id; each safe to run twice."""

from celery import shared_task


@shared_task(name="reports.notify_staff")
def notify_staff(report_id: int) -> bool:
    from portal.reports.services import report_staff_notify

    return report_staff_notify(report_id=report_id)


@shared_task(name="reports.reply_to_reporter")
def reply_to_reporter(report_id: int) -> bool:
    from portal.reports.services import report_reply

    return report_reply(report_id=report_id)
