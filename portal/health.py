from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from kombu import Connection

# A page's own assets: when collectstatic has not run, the manifest has no entry and every
# page that links them answers 500, so readiness must fail too.
PAGE_ASSETS = ("css/portal.css", "vendor/leaflet/leaflet.js")


def broker_status() -> str:
    """`eager` when Celery runs tasks in-process, else whether the broker answers."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception as error:  # any failure to reach the broker is a status, not a crash
        return f"error: {error.__class__.__name__}"
    return "ok"


def pages_status() -> str:
    """`ok` when a page can render with its static assets."""
    try:
        for asset in PAGE_ASSETS:
            staticfiles_storage.url(asset)
        render_to_string("404.html")
    except Exception as error:  # whatever stops a page from rendering is a status here
        return f"error: {error.__class__.__name__}"
    return "ok"
