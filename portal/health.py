from django.conf import settings
from kombu import Connection


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
