"""What the benchmarks share: the PostgreSQL bench database, a gunicorn server, and HTTP
load from wrk (or, where wrk is not installed, a Python client)."""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
PORT = 8765


def setup_django() -> None:
    """Point this process at the bench database (created if missing) and load the data."""
    _create_database()
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("setup_data", verbosity=0)


def _create_database() -> None:
    import psycopg

    parsed = urllib.parse.urlparse(BENCH_DATABASE_URL)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def percentile(values, pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


@contextmanager
def gunicorn(workers: int, *, port: int = PORT, config: Path | None = None, **env: str):
    """gunicorn on the bench database; no Redis unless `env` names one (REDIS_URL=…). With
    `config` (deploy/gunicorn.conf.py) it runs as in production: the master builds the
    indexes before it forks, and each request is an access-log line (discarded here)."""
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    environment |= {"DATABASE_URL": BENCH_DATABASE_URL, "DEBUG": "false", **env}
    command = [str(Path(sys.executable).parent / "gunicorn")]
    if config is None:
        command += ["portal.wsgi", "--log-level", "warning", "--workers", str(workers)]
        command += ["--bind", f"127.0.0.1:{port}"]
    else:
        command += ["--config", str(config)]
        environment |= {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_LOG_LEVEL": "warning",
        }
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=None if config is None else subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@dataclass
class Load:
    client: str
    ok: int
    failed: int
    rate: float
    p50: float
    p95: float
    p99: float

    def line(self) -> str:
        return (
            f"{self.ok} ok, {self.failed} failed; {self.rate:.0f} requests/s; "
            f"p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, p99 {self.p99:.1f} ms"
        )


def load(
    paths: list[str], clients: int, seconds: float, headers: dict | None = None, python=False
) -> Load:
    """GET the paths in turn from `clients` concurrent clients for `seconds`."""
    headers = headers or {}
    if shutil.which("wrk") and not python:
        return _wrk(paths, clients, seconds, headers)
    latencies, errors, elapsed = asyncio.run(_python_load(paths, clients, seconds, headers))
    return Load(
        "asyncio (Python, in this process)",
        len(latencies),
        len(errors),
        len(latencies) / elapsed,
        *(percentile(latencies, p) * 1000 for p in (50, 95, 99)),
    )


def warm(paths: list[str], clients: int, headers: dict | None = None) -> None:
    """Every worker builds its in-memory index on its first request: warm them all."""
    asyncio.run(_python_load(paths, clients, 5.0, headers or {}))


async def _client(paths, deadline, latencies, errors, offset, headers):
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    i = offset
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", PORT)
            request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
            writer.write(request.encode())
            await writer.drain()
            response = await reader.read()
            writer.close()
            ok = response[9:12] == b"200"
        except OSError:
            ok = False
        (latencies if ok else errors).append(time.perf_counter() - start)


async def _python_load(paths, clients, seconds, headers):
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(paths, deadline, latencies, errors, n * 61, headers) for n in range(clients))
    )
    return latencies, errors, time.perf_counter() - started


_WRK_SCRIPT = """
local paths = {}
for line in io.lines("PATHS") do paths[#paths + 1] = line end
local headers = HEADERS
local posted = {}
for name, value in pairs(headers) do posted[name] = value end
posted["Content-Type"] = "application/x-www-form-urlencoded"
local i = 0
init = function(args) math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
-- A line is a path to GET, or "POST <path> <form body>"; %N in a body is a random number
-- (a new address for each subscription request).
request = function()
  i = i + 1
  local line = paths[(i % #paths) + 1]
  if line:sub(1, 5) == "POST " then
    local path, body = line:match("^POST (%S+) (.*)$")
    body = body:gsub("%%N", tostring(math.random(1, 2000000000)))
    return wrk.format("POST", path, posted, body)
  end
  return wrk.format("GET", line, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  for n = 1, #latency do
    local value, count = latency(n)
    io.write(string.format("LATENCY %d %d\\n", value, count))
  end
end
"""


def _wrk(paths: list[str], clients: int, seconds: float, headers: dict) -> Load:
    """A C client leaves the two cores to the server, where a Python client takes a good
    part of one."""
    with tempfile.TemporaryDirectory() as folder:
        script = _wrk_script(Path(folder), paths, headers)
        command = ["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "-s", str(script)]
        output = subprocess.run(
            [*command, f"http://127.0.0.1:{PORT}"], capture_output=True, text=True, check=True
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    requests, errors, duration_us, p50, p95, p99 = (int(v) for v in line.split()[1:])
    rate = requests / (duration_us / 1e6)
    return Load(
        "wrk (C, 2 threads)", requests - errors, errors, rate, p50 / 1000, p95 / 1000, p99 / 1000
    )


def _wrk_script(folder: Path, paths: list[str], headers: dict) -> Path:
    lua_headers = "{" + ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items()) + "}"
    path_file, script = folder / "paths.txt", folder / "paths.lua"
    path_file.write_text("\n".join(paths) + "\n")
    script.write_text(_WRK_SCRIPT.replace("PATHS", str(path_file)).replace("HEADERS", lua_headers))
    return script


def load_servers(
    requests: list[str], clients: int, seconds: float, ports: list[int], headers: dict
) -> Load:
    """Load several servers at once, as a proxy in front of them would: wrk asks one host
    per run, so one wrk process (one thread) per server, each with its share of the
    clients; requests are added and the latency histograms merged before the percentiles
    are read. A line of `requests` is a path to GET or "POST <path> <body>"."""
    with tempfile.TemporaryDirectory() as folder:
        script = _wrk_script(Path(folder), requests, headers)
        command = ["wrk", "-t1", f"-c{max(1, clients // len(ports))}", f"-d{int(seconds)}s"]
        command += ["-s", str(script)]
        runs = [
            subprocess.Popen(
                [*command, f"http://127.0.0.1:{port}"], stdout=subprocess.PIPE, text=True
            )
            for port in ports
        ]
        outputs = [run.communicate()[0] for run in runs]
    total = errors = 0
    rate = 0.0
    histogram: dict[int, int] = {}
    for output in outputs:
        for line in output.splitlines():
            fields = line.split()
            if fields[:1] == ["WRK"]:
                done, failed, duration_us = (int(v) for v in fields[1:4])
                total, errors = total + done, errors + failed
                rate += done / (duration_us / 1e6)
            elif fields[:1] == ["LATENCY"]:
                value, count = int(fields[1]), int(fields[2])
                histogram[value] = histogram.get(value, 0) + count
    p50, p95, p99 = (_histogram_percentile(histogram, p) / 1000 for p in (50, 95, 99))
    client = f"wrk (C), one process per server ({len(ports)})"
    return Load(client, total - errors, errors, rate, p50, p95, p99)


def _histogram_percentile(histogram: dict[int, int], pct: float) -> float:
    """The value below which `pct` percent of the counted values lie."""
    wanted, seen = pct / 100 * sum(histogram.values()), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= wanted:
            return value
    return 0.0


def wait_for(port: int, seconds: float = 10) -> None:
    """Until something listens on the port (a server that is starting)."""
    for _ in range(int(seconds * 10)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")
