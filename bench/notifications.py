"""Benchmark of the notification fan-out (issue: notifications that are never lost).

    .venv/bin/python bench/notifications.py

In the PostgreSQL bench database (BENCH_DATABASE_URL), 10,000 confirmed subscribers (bench
addresses @example.com, replaced on every run) follow one unit. One real `celery worker`
(prefork, concurrency 1) on the machine's Redis (BENCH_BROKER_URL, default Redis database 1)
fans one event out and sends every email into a Maildir under var/ (where the embedded
default keeps its mail; emptied before and after). Prints emails
per second from the event's commit until the last message is in new/. Asserts nothing.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from common import ROOT, setup_django

BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/1")
DOMAIN = "bench.example.com"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    args = parser.parse_args()

    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.db import transaction

    from portal.celery import app
    from portal.notifications.models import (
        Delivery,
        DeliveryStatus,
        Event,
        EventKind,
        Subscriber,
        Subscription,
        SubscriptionStatus,
    )
    from portal.outbox import event_record
    from tests.notifications.worker import running_worker, sent_messages, use_broker, wait_for
    from wards.models import Unit

    unit = Unit.objects.get(code="00166")
    Subscriber.objects.filter(email__endswith="@" + DOMAIN).delete()
    Event.objects.filter(title__startswith="[bench]").delete()
    subscribers = Subscriber.objects.bulk_create(
        (Subscriber(email=f"nguoidan{n:05d}@{DOMAIN}") for n in range(args.subscribers)),
        batch_size=2000,
    )
    Subscription.objects.bulk_create(
        (
            Subscription(subscriber=s, unit=unit, status=SubscriptionStatus.CONFIRMED)
            for s in subscribers
        ),
        batch_size=2000,
    )
    use_broker(app, BROKER)
    app.control.purge()
    folder = ROOT / "var" / "bench-mail"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        maildir = folder / "mail"
        log = folder / "worker.log"
        with running_worker(broker_url=BROKER, maildir=maildir, log=log):
            ready = wait_for(lambda: app.control.ping(timeout=0.5), timeout=60, every=0.5)
            if not ready:
                sys.exit(f"the worker did not start:\n{log.read_text()}")
            started = time.perf_counter()
            with transaction.atomic():
                event = event_record(
                    kind=EventKind.SERVICE_POINT_CHANGED,
                    unit=unit,
                    title="[bench] Điểm phục vụ: thông tin thay đổi",
                    changes=[("Điện thoại", "(trống)", "024 0000 0000")],
                    path=unit.get_absolute_url(),
                )
            sent = Delivery.objects.filter(event=event, status=DeliveryStatus.SENT)
            # Counting rows is cheaper than listing 10,000 files while the worker runs.
            done = wait_for(lambda: sent.count() >= args.subscribers, timeout=600, every=0.2)
            done = done and wait_for(
                lambda: len(sent_messages(maildir)) >= args.subscribers, timeout=30
            )
            elapsed = time.perf_counter() - started
            if not done:
                sys.exit(f"only {sent.count()} sent in {elapsed:.0f} s:\n{log.read_text()}")
        files = len(sent_messages(maildir))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    Subscriber.objects.filter(email__endswith="@" + DOMAIN).delete()
    print(
        f"{args.subscribers} subscribers, one worker (prefork, concurrency 1) on Redis and "
        f"PostgreSQL, Maildir backend: {files} emails in {elapsed:.1f} s "
        f"= {files / elapsed:.0f} emails per second (target: 500)"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
