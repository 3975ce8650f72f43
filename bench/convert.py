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
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
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


def percentile(values, pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def _client(host, port, paths, deadline, latencies, errors, offset):
    i = offset
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(
                f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            response = await reader.read()
            writer.close()
            ok = response.startswith(b"HTTP/1.1 200") or response.startswith(b"HTTP/1.0 200")
        except OSError:
            ok = False
        if ok:
            latencies.append(time.perf_counter() - start)
        else:
            errors.append(path)


async def _load(host, port, paths, clients, seconds):
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(host, port, paths, deadline, latencies, errors, n * 61) for n in range(clients))
    )
    return latencies, errors, time.perf_counter() - started


def bench_http(addresses, clients: int, seconds: float, workers: int, python_client: bool) -> None:
    port = 8765
    paths = [f"/api/v1/convert?q={urllib.parse.quote(text)}" for _e, _f, text in addresses]
    env = {**os.environ, "DATABASE_URL": BENCH_DATABASE_URL, "DEBUG": "false"}
    env.pop("REDIS_URL", None)
    gunicorn = [
        str(Path(sys.executable).parent / "gunicorn"),
        "portal.wsgi",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        [*gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(port)
        # Every worker builds its index on its first lookup; warm them all before timing.
        asyncio.run(_load("127.0.0.1", port, paths, clients, 5.0))
        if shutil.which("wrk") and not python_client:
            client = "wrk (C, 2 threads)"
            ok, failed, rate, p50, p95, p99 = _wrk(port, paths, clients, seconds)
        else:
            client = "asyncio (Python, in this process)"
            latencies, errors, elapsed = asyncio.run(
                _load("127.0.0.1", port, paths, clients, seconds)
            )
            ok, failed, rate = len(latencies), len(errors), len(latencies) / elapsed
            p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(
        f"(b) HTTP GET /api/v1/convert, gunicorn {workers} sync workers on PostgreSQL, "
        f"{clients} concurrent clients for {seconds:.0f} s, load from {client}"
    )
    print(
        f"requests: {ok} ok, {failed} failed; {rate:.0f} requests/s; "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"
    )


_WRK_SCRIPT = """
local paths = {}
for line in io.lines("PATHS") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _wrk(port: int, paths: list[str], clients: int, seconds: float):
    """Load from wrk where the machine has it: a C client leaves the two cores to the
    server, where a Python client takes a good part of one."""
    with tempfile.TemporaryDirectory() as folder:
        path_file, script = Path(folder) / "paths.txt", Path(folder) / "paths.lua"
        path_file.write_text("\n".join(paths) + "\n")
        script.write_text(_WRK_SCRIPT.replace("PATHS", str(path_file)))
        command = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", str(script)]
        output = subprocess.run(
            [*command, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    requests, errors, duration_us, p50, p95, p99 = (int(v) for v in line.split()[1:])
    rate = requests / (duration_us / 1e6)
    return requests - errors, errors, rate, p50 / 1000, p95 / 1000, p99 / 1000


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def prepare_database() -> None:
    import psycopg

    parsed = urllib.parse.urlparse(BENCH_DATABASE_URL)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{parsed.path.lstrip("/")}"')


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

    prepare_database()
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("setup_data", verbosity=0)
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
