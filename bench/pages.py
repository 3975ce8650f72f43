"""Benchmark of the public pages and the conversion API against the server's ceiling
(issue 14: "Speed").

    .venv/bin/python bench/pages.py                 # 16 clients, 15 s a target
    .venv/bin/python bench/pages.py --no-page-cache # the same pages rendered every time

gunicorn (2 sync workers a core) on PostgreSQL (BENCH_DATABASE_URL, default `portal_bench`)
with Redis (BENCH_REDIS_URL, default db 9 of the machine's Redis) as the shared cache, as in
production. Each target is loaded in turn by wrk from 16 concurrent clients:
- the ceiling: a minimal Django JSON view in the same server (BENCH_CEILING);
- /api/v1/convert over 1,000 real former addresses in five written forms;
- every Hà Nội unit page; every published procedure page, half of them with a unit chosen;
- the procedure search page (whole page) over the search tests' real queries;
- a mix of the four, in equal shares.
Prints requests per second, p50/p95/p99 and each target's share of the ceiling beside the
issue's goal. Asserts nothing.
"""

import argparse
import os
import sys
import urllib.parse
from pathlib import Path

from common import ROOT, gunicorn, load, setup_django, warm

GOALS = {"convert": 0.25, "unit pages": 0.2, "procedure pages": 0.2, "search pages": 0.2}
MIX_GOAL = 0.15
CONVERT_P95_MS = 10
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def target_paths() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    sys.path.insert(0, str(ROOT))
    from convert import sample_addresses

    from procedures.models import Procedure, Status
    from tests.procedures.test_search import QUERIES
    from wards.models import Unit
    from wards.resolver_index import address_index

    units = list(Unit.objects.filter(province__code="01").select_related("province"))
    procedures = list(
        Procedure.objects.filter(status=Status.PUBLISHED).exclude(source="bench generator")
    )
    procedure_paths = []
    for n, procedure in enumerate(procedures):
        path = procedure.get_absolute_url()
        procedure_paths.append(path if n % 2 else f"{path}?don_vi={units[n % len(units)].code}")
    return {
        "convert": [
            f"/api/v1/convert?q={urllib.parse.quote(text)}"
            for _e, _f, text in sample_addresses(address_index())
        ],
        "unit pages": [unit.get_absolute_url() for unit in units],
        "procedure pages": procedure_paths,
        "search pages": [f"/thu-tuc/?q={urllib.parse.quote(query)}" for query, _ in QUERIES],
    }


def mixed(targets: dict[str, list[str]]) -> list[str]:
    """The four targets interleaved in equal shares."""
    longest = max(len(paths) for paths in targets.values())
    return [paths[i % len(paths)] for i in range(longest) for paths in targets.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--no-page-cache", action="store_true")
    args = parser.parse_args()

    setup_django()
    targets = target_paths()
    env = {
        "BENCH_CEILING": "true",
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_ENABLED": "false" if args.no_page_cache else "true",
        "API_RATE_PER_IP": "100000000/m",  # one load generator is every client here
    }
    results = {}
    with gunicorn(args.workers, config=ROOT / "deploy/gunicorn.conf.py", **env):
        for paths in targets.values():
            warm(paths, args.clients)
        results["ceiling"] = load(["/bench/ceiling"], args.clients, args.seconds)
        for name, paths in targets.items():
            results[name] = load(paths, args.clients, args.seconds)
        results["mix"] = load(mixed(targets), args.clients, args.seconds)
        results["ceiling again"] = load(["/bench/ceiling"], args.clients, args.seconds)

    ceiling = (results["ceiling"].rate + results["ceiling again"].rate) / 2
    cache = "off" if args.no_page_cache else "on"
    print(
        f"gunicorn {args.workers} sync workers on PostgreSQL, Redis cache, page cache {cache}; "
        f"{args.clients} concurrent clients, {args.seconds:.0f} s a target; "
        f"load from {results['ceiling'].client}"
    )
    for name, result in results.items():
        share = result.rate / ceiling
        goal = GOALS.get(name, MIX_GOAL if name == "mix" else None)
        verdict = ""
        if goal is not None:
            verdict = f"  goal {goal:.2f}x: {'met' if share >= goal else 'MISSED'}"
        if name == "convert":
            verdict += f", p95 ≤ {CONVERT_P95_MS} ms: "
            verdict += "met" if result.p95 <= CONVERT_P95_MS else "MISSED"
        print(f"{name:<16} {result.line()}; {share:.2f}x the ceiling{verdict}")
    print(f"ceiling (mean of the two runs): {ceiling:.0f} requests/s")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
