"""Benchmark of the former-address resolver (issue: "Which ward am I in now?").

    .venv/bin/python bench/convert.py            # both parts
    .venv/bin/python bench/convert.py --skip-http

(a) In process: our resolver and vietnamadminunits' own `convert_address` on the same
    1,000 former addresses (Hà Nội and elsewhere) written in five forms; answers compared
    with the real succession, failures counted, time per lookup for each.
(b) Over HTTP: GET /api/v1/convert under gunicorn on PostgreSQL, 16 concurrent clients
    for 20 s; requests per second, p50 and p95 latency.

Needs the machine's PostgreSQL (BENCH_DATABASE_URL, default a `portal_bench` database on
127.0.0.1:5432, created and loaded if missing). It prints figures; it asserts nothing.
"""

import argparse
import os
import random
import socket
import statistics
import time
import unicodedata
import urllib.parse

from common import gunicorn, load, percentile, setup_django, warm

FORMS = ("full", "plain", "abbreviated", "dashed", "code")
PROVINCE_SHORT = {"Thành phố Hà Nội": "HN", "Thành phố Hồ Chí Minh": "TP.HCM"}
ABBREVIATION = {
    "Phường": "P.",
    "Xã": "X.",
    "Thị trấn": "TT.",
    "Quận": "Q.",
    "Huyện": "H.",
    "Thị xã": "TX.",
    "Thành phố": "TP.",
    "Tỉnh": "T.",
}


def strip_diacritics(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def without_type(full_name: str) -> str:
    for label in sorted(ABBREVIATION, key=len, reverse=True):
        if full_name.startswith(label + " "):
            return full_name[len(label) + 1 :]
    return full_name


def abbreviate(full_name: str) -> str:
    for label in sorted(ABBREVIATION, key=len, reverse=True):
        if full_name.startswith(label + " "):
            return f"{ABBREVIATION[label]} {full_name[len(label) + 1 :]}"
    return full_name


def write(entry, form: str) -> str:
    """One former address as residents write it."""
    province = PROVINCE_SHORT.get(entry.province, without_type(entry.province))
    if form == "full":
        return f"{entry.name}, {entry.district}, {entry.province}"
    if form == "plain":
        return strip_diacritics(
            f"{without_type(entry.name)} {without_type(entry.district)}"
        ).lower()
    if form == "abbreviated":
        return (
            f"{abbreviate(entry.name)}, {abbreviate(entry.district)}, {abbreviate(entry.province)}"
        )
    if form == "dashed":
        return strip_diacritics(
            f"{without_type(entry.name)} - {without_type(entry.district)} - {province}"
        )
    return entry.code


def sample_addresses(index, count: int = 1000, seed: int = 2025):
    """Half Hà Nội, half the rest of the country; each address in one of the five forms."""
    rng = random.Random(seed)
    hanoi = [e for e in index.entries if e.code and e.province == "Thành phố Hà Nội"]
    others = [e for e in index.entries if e.code and not e.in_hanoi]
    chosen = rng.sample(hanoi, count // 2) + rng.sample(others, count - count // 2)
    rng.shuffle(chosen)
    return [
        (entry, FORMS[i % len(FORMS)], write(entry, FORMS[i % len(FORMS)]))
        for i, entry in enumerate(chosen)
    ]


def default_successor(entry) -> str:
    return next(s.code for s in entry.successors if s.is_default)


def bench_resolver(addresses, index) -> None:
    from vietnamadminunits import convert_address

    print(f"(a) in process, {len(addresses)} addresses, forms: {', '.join(FORMS)}")
    ours, ours_times = [], []
    for _entry, _form, text in addresses:
        start = time.perf_counter()
        matches = index.resolve(text, 10)
        ours_times.append(time.perf_counter() - start)
        ours.append(matches[0].entry if matches else None)

    theirs, theirs_times, theirs_errors = [], [], 0
    socket.setdefaulttimeout(2)
    for _entry, _form, text in addresses:
        start = time.perf_counter()
        try:
            unit = convert_address(text)
            code = unit.ward_code
        except Exception:  # the package raises on what it cannot parse or geocode
            code, theirs_errors = None, theirs_errors + 1
        theirs_times.append(time.perf_counter() - start)
        theirs.append(code)

    rows = []
    for form in (*FORMS, "all"):
        picked = [i for i, (_e, f, _t) in enumerate(addresses) if form in ("all", f)]
        expected = [default_successor(addresses[i][0]) for i in picked]
        ours_right_unit = sum(
            1
            for i, code in zip(picked, expected, strict=True)
            if ours[i] is not None and default_successor(ours[i]) == code
        )
        ours_right_former = sum(
            1 for i in picked if ours[i] is not None and ours[i].pk == addresses[i][0].pk
        )
        theirs_right = sum(1 for i, code in zip(picked, expected, strict=True) if theirs[i] == code)
        agree = sum(
            1 for i in picked if ours[i] is not None and theirs[i] == default_successor(ours[i])
        )
        rows.append((form, len(picked), ours_right_former, ours_right_unit, theirs_right, agree))
    header = ("form", "n", "ours: former", "ours: new", "theirs: new", "same answer")
    print(f"{header[0]:<12}{header[1]:>6}" + "".join(f"{h:>14}" for h in header[2:]))
    for form, n, former, unit, their, agree in rows:
        print(f"{form:<12}{n:>6}" + "".join(f"{v:>14}" for v in (former, unit, their, agree)))
    ours_ms = statistics.mean(ours_times) * 1000
    theirs_ms = statistics.mean(theirs_times) * 1000
    print(
        f"failures: ours {sum(m is None for m in ours)} with no answer, "
        f"{len(addresses) - rows[-1][3]} with another new unit than the real default; "
        f"theirs {theirs_errors} raised, {len(addresses) - rows[-1][4]} not the real default"
    )
    print(
        f"time per lookup: ours {ours_ms:.3f} ms (p95 {percentile(ours_times, 95) * 1000:.3f} ms), "
        f"convert_address {theirs_ms:.3f} ms (p95 {percentile(theirs_times, 95) * 1000:.3f} ms); "
        f"ours is {theirs_ms / ours_ms:.1f}x faster"
    )


def bench_http(addresses, clients: int, seconds: float, workers: int, python: bool) -> None:
    paths = [f"/api/v1/convert?q={urllib.parse.quote(text)}" for _e, _f, text in addresses]
    with gunicorn(workers):
        warm(paths, clients)
        result = load(paths, clients, seconds, python=python)
    print(
        f"(b) HTTP GET /api/v1/convert, gunicorn {workers} sync workers on PostgreSQL, "
        f"{clients} concurrent clients for {seconds:.0f} s, load from {result.client}"
    )
    print(f"requests: {result.line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-resolver", action="store_true")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument(
        "--python-client", action="store_true", help="load from Python even where wrk is installed"
    )
    args = parser.parse_args()

    setup_django()
    from wards.resolver_index import address_index

    started = time.perf_counter()
    index = address_index()
    print(
        f"index built in {time.perf_counter() - started:.2f} s ({len(index.entries)} former units)"
    )
    addresses = sample_addresses(index)
    if not args.skip_resolver:
        bench_resolver(addresses, index)
    if not args.skip_http:
        bench_http(addresses, args.clients, args.seconds, args.workers, args.python_client)


if __name__ == "__main__":
    main()
