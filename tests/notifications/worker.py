"""Real Celery worker processes for the chaos tests and the notification benchmark: started
on the machine's Redis against the database this process uses, and killed like a crash."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def start_worker(*, broker_url: str, maildir: Path, log: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "EMAIL_BACKEND": "portal.notifications.maildir.MaildirBackend",
        "EMAIL_MAILDIR": str(maildir),
        "NOTIFY_SWEEP_AFTER_SECONDS": "0",
        **env,
    }
    environment.pop("EMAIL_HOST", None)
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "portal",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with open(log, "ab") as output:
        # Its own session, so a kill reaches the pool child as well as the main process.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children: nothing gets to clean up."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(worker)


@contextmanager
def running_worker(**kwargs):
    worker = start_worker(**kwargs)
    try:
        yield worker
    finally:
        stop(worker)


def use_broker(app, url: str) -> None:
    """Point this process's Celery app at a broker (dropping pooled connections)."""
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app._pool = None  # kombu keeps one pool per broker address; this picks the new one
    app.amqp._producer_pool = None


def wait_for(condition, *, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return condition()


def sent_messages(maildir: Path) -> list[Path]:
    folder = maildir / "new"
    return sorted(folder.iterdir()) if folder.is_dir() else []
