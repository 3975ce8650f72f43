"""Benchmark of the production shape on this machine (issue "production": several machines).

    .venv/bin/python bench/cluster.py [--levels 4,8,16,32,64] [--seconds 60] [--workers 2]

Two app servers, each gunicorn with deploy/gunicorn.conf.py (`--workers` sync workers,
indexes built by the master before it forks), on PostgreSQL (BENCH_DATABASE_URL, default
`portal_bench`) with Redis (BENCH_REDIS_URL, default db 9 of the machine's Redis) as their
shared cache, limits and broker. wrk loads both at once, one process per server with half
the clients, at each concurrency level, with a mixed load:
- 70% search and conversion: /api/v1/convert, /tra-cuu/?q=, /thu-tuc/?q=, /api/v1/procedures;
- 25% unit pages and procedure pages;
- 5% subscription requests: POST /thong-bao/dang-ky/ with a real CSRF cookie and token and a
  new address each time (the limits are raised for the run; the confirmation tasks queue in
  Redis, no worker runs, and the queue and the subscribers are removed afterwards).
Prints requests/s and p50/p95/p99 per level, then the highest rate whose p95 stays within
50 ms and the level where the rate stops growing. Asserts nothing.
"""

import argparse
import os
import random
import re
import sys
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from common import ROOT, gunicorn, load_servers, setup_django

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
P95_BUDGET_MS = 50.0
# Shares of the mix, in percent.
MIX = {
    "convert api": 25,
    "convert page": 10,
    "search page": 20,
    "search api": 15,
    "unit page": 13,
    "procedure page": 12,
    "subscribe": 5,
}
SUBSCRIBER_PREFIX = "bench-cluster-"


def request_lines(csrf_token: str) -> list[str]:
    """2,000 requests in the mix's shares, shuffled once (the same order every run)."""
    sys.path.insert(0, str(ROOT))
    from convert import sample_addresses

    from procedures.models import Procedure, Status
    from tests.procedures.test_search import QUERIES
    from wards.models import Unit
    from wards.resolver_index import address_index

    quote = urllib.parse.quote
    addresses = [text for _entry, _form, text in sample_addresses(address_index(), count=400)]
    queries = [query for query, _expected in QUERIES]
    units = list(Unit.objects.filter(province__code="01").select_related("province"))
    procedures = Procedure.objects.filter(status=Status.PUBLISHED).exclude(source="bench generator")
    form = {"csrfmiddlewaretoken": csrf_token, "don_vi": units[0].code, "thu_tuc": ""}
    body = urllib.parse.urlencode(form) + f"&email={SUBSCRIBER_PREFIX}%N%40example.com"
    choices = {
        "convert api": [f"/api/v1/convert?q={quote(text)}" for text in addresses],
        "convert page": [f"/tra-cuu/?q={quote(text)}" for text in addresses],
        "search page": [f"/thu-tuc/?q={quote(query)}" for query in queries],
        "search api": [f"/api/v1/procedures?q={quote(query)}" for query in queries],
        "unit page": [unit.get_absolute_url() for unit in units],
        "procedure page": [procedure.get_absolute_url() for procedure in procedures],
        "subscribe": [f"POST /thong-bao/dang-ky/ {body}"],
    }
    rng = random.Random(2025)
    kinds = [kind for kind, share in MIX.items() for _ in range(share)] * 20
    rng.shuffle(kinds)
    taken = dict.fromkeys(MIX, 0)
    lines = []
    for kind in kinds:
        lines.append(choices[kind][taken[kind] % len(choices[kind])])
        taken[kind] += 1
    return lines


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """(cookie, form token) as a browser gets them from a unit page."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as page:
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"])[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())[1]
    return cookie, token


def redis_clear() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def subscribers_remove() -> int:
    from portal.notifications.models import Subscriber

    _total, removed = Subscriber.objects.filter(email__startswith=SUBSCRIBER_PREFIX).delete()
    return removed.get("notifications.Subscriber", 0)


def summary(results: dict[int, object]) -> str:
    within = [r.rate for r in results.values() if r.p95 <= P95_BUDGET_MS]
    peak = max(r.rate for r in results.values())
    saturation = next(c for c, r in results.items() if r.rate >= 0.9 * peak)
    sustained = f"{max(within):.0f} req/s" if within else "no level"
    return (
        f"sustained {sustained} at p95 ≤ {P95_BUDGET_MS:.0f} ms; "
        f"saturates at about {saturation} clients (peak {peak:.0f} req/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="4,8,16,32,64")
    # A minute a level: the page cache renders every page again once a minute (its keys hold
    # the minute), so each level includes that burst exactly once, as production does.
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    setup_django()
    redis_clear()
    from tests.portal.servers import free_port

    ports = [free_port(), free_port()]
    env = {
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        "NOTIFY_RATE_PER_IP": "1000000/h",
        "API_RATE_PER_IP": "100000000/m",  # one load generator is every client here
        "NOTIFY_RATE_PER_ADDRESS": "1000000/h",
    }
    config = ROOT / "deploy/gunicorn.conf.py"
    results = {}
    try:
        with ExitStack() as servers:
            for port in ports:
                servers.enter_context(gunicorn(args.workers, port=port, config=config, **env))
            cookie, token = csrf_pair(ports[0], "/don-vi/ha-noi/phuong-hoan-kiem/")
            lines = request_lines(token)
            headers = {"Cookie": f"csrftoken={cookie}"}
            # Every distinct request once or more, so the shared page cache holds every page
            # (it renders each again once a minute, as in production); not counted.
            load_servers(sorted(set(lines)), 8, 15, ports, headers)
            for clients in levels:
                results[clients] = load_servers(lines, clients, args.seconds, ports, headers)
    finally:
        removed = subscribers_remove()
        redis_clear()

    first = next(iter(results.values()))
    print(
        f"2 app servers x {args.workers} sync workers (deploy/gunicorn.conf.py) on PostgreSQL, "
        f"Redis cache/limits/broker, {os.cpu_count()} cores shared with the load generator; "
        f"{args.seconds:.0f} s a level; load from {first.client}"
    )
    print("mix: " + ", ".join(f"{kind} {share}%" for kind, share in MIX.items()))
    for clients, result in results.items():
        print(f"{clients:>3} clients: {result.line()}")
    print(summary(results))
    print(f"({removed} subscribers the load created were removed afterwards)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
