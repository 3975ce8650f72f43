"""Benchmark of the public API (issue 16) against the server's ceiling.

    .venv/bin/python bench/api.py [--clients 16] [--seconds 15]

gunicorn (deploy/gunicorn.conf.py, 2 sync workers a core) on PostgreSQL (BENCH_DATABASE_URL,
default `portal_bench`) with Redis (BENCH_REDIS_URL, default db 9) for the limits, as in
production; the per-client limit is raised for the run. wrk loads each target in turn from
16 concurrent clients: the ceiling (a minimal JSON view), a list of units (filtered pages),
one unit, one procedure, the procedure search, service points `open_now` and `near`, one
service point, and the conversion. Then one batch conversion of 1,000 real former
addresses, timed from a single client five times. Prints requests/s, p50/p95/p99, the
share of the ceiling and the issue's goals (single-object reads: p95 ≤ 25 ms and a quarter
of the ceiling; a batch of 1,000 under 1 s). Each target's answers are all asked once before
it is loaded, as on a site that has been running (the shared cache holds them then).
Asserts nothing.
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import PORT, ROOT, gunicorn, load, percentile, setup_django

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SINGLE_OBJECT = {"unit", "procedure", "service point"}


def targets() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from convert import sample_addresses

    from procedures.models import Procedure, Status
    from tests.procedures.test_search import QUERIES
    from wards.models import ServicePoint, Unit
    from wards.resolver_index import address_index

    hanoi = list(Unit.objects.filter(province__code="01").values_list("code", "name_folded"))
    slugs = Procedure.objects.filter(status=Status.PUBLISHED).exclude(source="bench generator")
    points = list(
        ServicePoint.objects.filter(unit__province__code="01").values_list("pk", flat=True)
    )
    places = [
        (lat, lon)
        for lat, lon in Unit.objects.filter(province__code="01", latitude__isnull=False)
        .values_list("latitude", "longitude")
        .order_by("code")
    ]
    return {
        "units (list)": [
            f"/api/v1/units?province=01&q={urllib.parse.quote(name.split()[0])}"
            for _code, name in hanoi
        ],
        "unit": [f"/api/v1/units/{code}" for code, _name in hanoi],
        "procedure": [
            f"/api/v1/procedures/{slug}" for slug in slugs.values_list("slug", flat=True)
        ],
        "procedures (search)": [
            f"/api/v1/procedures?q={urllib.parse.quote(query)}" for query, _ in QUERIES
        ],
        "service points open_now": ["/api/v1/service-points?open_now=true&page_size=20"],
        "service points near": [
            f"/api/v1/service-points?near={lat:.4f},{lon:.4f}&page_size=10" for lat, lon in places
        ],
        "service point": [f"/api/v1/service-points/{pk}" for pk in points],
        "convert": [
            f"/api/v1/convert?q={urllib.parse.quote(text)}"
            for _e, _f, text in sample_addresses(address_index())
        ],
    }


def warm_every(paths: list[str]) -> None:
    with ThreadPoolExecutor(4) as pool:
        for _ in pool.map(
            lambda path: urllib.request.urlopen(
                f"http://127.0.0.1:{PORT}{path}", timeout=30
            ).read(),
            paths,
        ):
            pass


def batch_seconds(addresses: list[str]) -> list[float]:
    body = json.dumps({"addresses": addresses}).encode()
    timings = []
    for _ in range(5):
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}/api/v1/convert/batch",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as answer:
            results = json.load(answer)["results"]
        timings.append(time.perf_counter() - started)
        assert len(results) == len(addresses)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    args = parser.parse_args()

    setup_django()
    paths = targets()
    from convert import sample_addresses

    from wards.resolver_index import address_index

    addresses = [text for _e, _f, text in sample_addresses(address_index())]
    env = {"BENCH_CEILING": "true", "REDIS_URL": REDIS_URL, "API_RATE_PER_IP": "100000000/m"}
    env["API_BATCH_RATE_PER_IP"] = "100000/m"
    results = {}
    with gunicorn(args.workers, config=ROOT / "deploy/gunicorn.conf.py", **env):
        results["ceiling"] = load(["/bench/ceiling"], args.clients, args.seconds)
        for name, target in paths.items():
            warm_every(target)  # every answer made once, as a running site has them
            results[name] = load(target, args.clients, args.seconds)
        results["ceiling again"] = load(["/bench/ceiling"], args.clients, args.seconds)
        batch = batch_seconds(addresses)

    ceiling = (results["ceiling"].rate + results["ceiling again"].rate) / 2
    print(
        f"gunicorn {args.workers} sync workers on PostgreSQL, Redis for limits; "
        f"{args.clients} concurrent clients, {args.seconds:.0f} s a target; "
        f"load from {results['ceiling'].client}"
    )
    for name, result in results.items():
        share = result.rate / ceiling
        verdict = ""
        if name in SINGLE_OBJECT:
            met = share >= 0.25 and result.p95 <= 25
            verdict = f"  goal ≥ 0.25x and p95 ≤ 25 ms: {'met' if met else 'MISSED'}"
        print(f"{name:<26} {result.line()}; {share:.2f}x the ceiling{verdict}")
    print(f"ceiling (mean of the two runs): {ceiling:.0f} requests/s")
    median, worst = percentile(batch, 50), max(batch)
    verdict = "met" if worst < 1 else "MISSED"
    print(
        f"batch of {len(addresses)} addresses: median {median * 1000:.0f} ms, "
        f"slowest of 5 {worst * 1000:.0f} ms  goal < 1 s: {verdict}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
