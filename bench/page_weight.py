"""Page weight on a phone (issue 15: "weight"): what a first visit to each page downloads.

    .venv/bin/python bench/page_weight.py             # the SQLite database of `make run`
    .venv/bin/python bench/page_weight.py --verbose   # every request, its size and encoding
    .venv/bin/python bench/page_weight.py --database-url postgres://postgres@127.0.0.1/portal_bench

How production is imitated: `collectstatic` into a temporary STATIC_ROOT with
PORTAL_ENV=production (WhiteNoise's CompressedManifestStaticFilesStorage: hashed names,
gzip copies, and brotli ones when the `brotli` package is installed), then gunicorn with the
same production settings (SECURE_SSL_REDIRECT=false, as the TLS proxy is not there). The
sizes are the ones the browser reports as transferred (`Request.sizes()`: encoded body and
headers), so static files count compressed as WhiteNoise sends them. HTML pages are sent as
the application writes them: neither Django nor deploy/nginx (no `gzip on` for proxied
answers) compresses them, so they count uncompressed; a column shows what gzip would make of
them.

Each page is opened in a fresh browser context (empty cache) at 360×740 by Debian's
Chromium (/usr/bin/chromium, or CHROMIUM; Playwright's own browsers are never downloaded),
with OpenStreetMap's tiles blocked; requests are counted until the network is idle. The
unit page is measured twice: as it loads, and once its map (below the first screen, where
Leaflet is fetched) has been scrolled into view. The budget is 60 KB and 6 requests a page,
tiles excluded. It prints a table; it asserts nothing.

Needs Playwright for Python (`pip install playwright`; a dev dependency of the project).
The database is migrated and loaded first (as `make run` does) unless --no-setup.
"""

import argparse
import gzip
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from common import wait_for
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv/bin/python" if (ROOT / ".venv/bin/python").exists() else Path(sys.executable)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 360, "height": 740}
TILES = "https://tile.openstreetmap.org/**"
BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 6
PAGES = [
    ("home", "/", False),
    ("address lookup results", "/tra-cuu/?q=quan+hoa", False),
    ("procedure search results", "/thu-tuc/?q=khai+sinh", False),
    ("unit page", "/don-vi/ha-noi/phuong-cau-giay/", False),
    ("unit page, map scrolled into view", "/don-vi/ha-noi/phuong-cau-giay/", True),
    ("procedure page", "/thu-tuc/dang-ky-khai-sinh/?don_vi=00166", False),
]


@dataclass
class Fetch:
    url: str
    kind: str
    bytes: int
    encoding: str
    html_gzipped: int | None = None


@dataclass
class Weight:
    name: str
    fetches: list[Fetch] = field(default_factory=list)
    tiles_blocked: int = 0

    @property
    def total(self) -> int:
        return sum(f.bytes for f in self.fetches)

    @property
    def total_html_gzipped(self) -> int:
        return sum(f.html_gzipped if f.html_gzipped is not None else f.bytes for f in self.fetches)

    @property
    def html(self) -> Fetch:
        return next(f for f in self.fetches if f.kind == "document")


def production_env(port: int, database_url: str, static_root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    return env | {
        "PORTAL_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": "page-weight-bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextmanager
def production_server(port: int, database_url: str, setup: bool):
    with tempfile.TemporaryDirectory(prefix="page-weight-static-") as static_root:
        env = production_env(port, database_url, static_root)
        if setup:
            # As `make run` does; both are idempotent.
            development = {k: v for k, v in env.items() if k != "PORTAL_ENV"}
            manage("migrate", "--noinput", "--verbosity", "0", env=development)
            manage("setup_data", "--verbosity", "0", env=development)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
        gunicorn = PYTHON.parent / "gunicorn"
        command = [str(gunicorn), "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["--log-level", "warning"]
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_for(port, seconds=30)
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def measure(browser, base: str, name: str, path: str, scroll_to_map: bool) -> Weight:
    weight = Weight(name)
    context = browser.new_context(viewport=VIEWPORT)

    def block_tile(route):
        weight.tiles_blocked += 1
        route.abort()

    context.route(TILES, block_tile)
    page = context.new_page()

    def finished(request):
        response = request.response()
        sizes = request.sizes()
        fetch = Fetch(
            url=request.url.removeprefix(base),
            kind=request.resource_type,
            bytes=sizes["responseBodySize"] + sizes["responseHeadersSize"],
            encoding=(response.headers.get("content-encoding", "") if response else ""),
        )
        if fetch.kind == "document" and response is not None and not fetch.encoding:
            body = response.body()
            fetch.html_gzipped = fetch.bytes - len(body) + len(gzip.compress(body, 6))
        weight.fetches.append(fetch)

    page.on("requestfinished", finished)
    page.goto(base + path, wait_until="networkidle")
    if scroll_to_map:
        page.locator(".map").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    context.close()
    return weight


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def report(weights: list[Weight], verbose: bool) -> None:
    header = (
        f"{'page':36} {'requests':>8} {'KB sent':>8} {'HTML KB':>8} "
        f"{'HTML gz':>8} {'KB, HTML gz':>11}  budget (60 KB, 6 requests)"
    )
    print(header)
    print("-" * len(header))
    for weight in weights:
        html = weight.html
        fits = len(weight.fetches) <= BUDGET_REQUESTS and weight.total <= BUDGET_BYTES
        print(
            f"{weight.name:36} {len(weight.fetches):>8} {kb(weight.total):>8} {kb(html.bytes):>8} "
            f"{kb(html.html_gzipped) if html.html_gzipped else '-':>8} "
            f"{kb(weight.total_html_gzipped):>11}  {'within' if fits else 'OVER'}"
        )
        if verbose:
            for fetch in weight.fetches:
                encoding = fetch.encoding or "-"
                print(f"    {fetch.kind:10} {kb(fetch.bytes):>6} KB {encoding:5} {fetch.url}")
            if weight.tiles_blocked:
                print(f"    (map tiles blocked: {weight.tiles_blocked})")
    print(
        "\nKB sent: bodies as transferred (static files compressed by WhiteNoise) plus headers;"
        "\nHTML gz: the page if it were sent gzipped (it is not today)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'portal.sqlite3'}")
    parser.add_argument("--no-setup", action="store_true", help="skip migrate and setup_data")
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: apt-get install chromium (or set CHROMIUM)")
    (ROOT / "var").mkdir(exist_ok=True)
    server = production_server(args.port, args.database_url, not args.no_setup)
    with server as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        weights = [measure(browser, base, *page) for page in PAGES]
        browser.close()
    report(weights, args.verbose)


if __name__ == "__main__":
    main()
