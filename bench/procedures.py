"""Benchmark of the procedure search (issue: the procedure catalogue).

    .venv/bin/python bench/procedures.py

Loads the seed catalogue into the PostgreSQL bench database (BENCH_DATABASE_URL, default
`portal_bench` on 127.0.0.1:5432), expands it to 2,000 published procedures with a
generator (rows marked source "bench generator", never in a real database), and loads the
search page's htmx fragment (/thu-tuc/?q=… with HX-Request) under gunicorn with 16
concurrent clients for 20 s, next to a minimal Django JSON view in the same server (the
ceiling). Prints requests per second and p50/p95 for both. Asserts nothing.
"""

import argparse
import os
import sys
import urllib.parse
from pathlib import Path

from common import ROOT, gunicorn, load, setup_django, warm

TARGET = 2000
GENERATED = "bench generator"


def expand_catalogue(target: int) -> int:
    """Variants of the seed procedures ("…, trường hợp N") until the catalogue has
    `target` published procedures. Idempotent."""
    from procedures.models import Procedure, Status

    seed = list(Procedure.objects.exclude(source=GENERATED).order_by("pk"))
    have = Procedure.objects.filter(status=Status.PUBLISHED).count()
    new = []
    for number in range(max(0, target - have)):
        base = seed[number % len(seed)]
        case = number // len(seed) + 1
        new.append(
            Procedure(
                name=f"{base.name}, trường hợp {case}",
                slug=f"bench-{base.slug[:150]}-{case}",
                field=base.field,
                level=base.level,
                moved_from_district=base.moved_from_district,
                online_level=base.online_level,
                status=Status.PUBLISHED,
                source=GENERATED,
            )
        )
    from portal.text import fold

    for procedure in new:
        procedure.name_folded = fold(procedure.name)  # save() sets it; bulk_create skips save()
    Procedure.objects.bulk_create(new, batch_size=500)
    return Procedure.objects.filter(status=Status.PUBLISHED).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--python-client", action="store_true")
    args = parser.parse_args()

    setup_django()
    total = expand_catalogue(TARGET)
    sys.path.insert(0, str(ROOT))
    from tests.procedures.test_search import QUERIES

    paths = [f"/thu-tuc/?q={urllib.parse.quote(query)}" for query, _ in QUERIES]
    fragment = {"HX-Request": "true"}
    with gunicorn(args.workers, BENCH_CEILING="true"):
        warm(paths, args.clients, fragment)
        search = load(paths, args.clients, args.seconds, fragment, args.python_client)
        ceiling = load(["/bench/ceiling"], args.clients, args.seconds, python=args.python_client)
    print(
        f"{total} published procedures; gunicorn {args.workers} sync workers on PostgreSQL; "
        f"{args.clients} concurrent clients for {args.seconds:.0f} s; load from {search.client}"
    )
    print(f"search fragment ({len(paths)} real queries in turn): {search.line()}")
    print(f"ceiling (minimal JSON view):               {ceiling.line()}")
    print(f"search throughput = {search.rate / ceiling.rate:.0%} of the ceiling")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
