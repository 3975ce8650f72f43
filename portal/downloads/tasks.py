"""The periodic rebuild of the open data files (scheduled by setup_data: nightly, 02:30)."""

from celery import shared_task

from portal.downloads.services import downloads_build


@shared_task(name="downloads.build")
def build() -> dict:
    summary = downloads_build()
    return {"written": summary.written, "skipped": summary.skipped}
