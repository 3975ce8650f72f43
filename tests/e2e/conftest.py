"""End-to-end tests: Debian's Chromium, driven by Playwright, on the portal served from inside
the test's transaction (tests/e2e/server.py).

No browser is downloaded: Playwright's wheel brings its driver and launches
/usr/bin/chromium (`make test` installs it with apt-get when it runs as root). Without it
the tests skip, saying why, except where E2E_REQUIRED is set (.ci/run), where they fail.
Every request for another host (map tiles) is refused, so nothing leaves the machine.
"""

import os
import re
import shutil
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.e2e.server import PortalServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules/axe-core/axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = ROOT / "var/e2e"
PASSWORD = "mat-khau-dai-123"  # every account tests/factories.py makes has it
TIMEOUT_MS = 10_000
_FAILED = pytest.StashKey[bool]()


def required_or_skip(reason: str) -> None:
    """Skip for want of a tool, or fail where the browser tests must run (.ci/run)."""
    if os.environ.get("E2E_REQUIRED"):
        pytest.fail(f"{reason} (E2E_REQUIRED is set, so the browser tests may not skip)")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        item.stash[_FAILED] = True
    return report


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        required_or_skip(
            f"Debian's chromium is not installed ({CHROMIUM}); `make test` installs it "
            "when run as root on a machine with apt-get (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an asyncio loop marked as running in this thread
    # while it lives. Django then keeps database connections apart from the thread's own
    # (a second connection, left open, and the test database could not be dropped at the
    # end) and refuses ORM calls; the tests' calls are synchronous, on the same connections.
    held = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            for alias, connection in held.items():
                connections[alias] = connection
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture(scope="package")
def portal_server():
    server = PortalServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def portal(db, portal_server):
    """The portal answering the browser inside this test's transaction."""
    from procedures.search import search_index_reset

    with portal_server.serving():
        yield portal_server
    # A catalogue a journey changed (and its rollback undoes) is not searched by the next test.
    search_index_reset()


class Journey:
    """Browser pages on the portal, and a screenshot at the end of each step of the story,
    kept under var/e2e/<test>/ when the test fails."""

    def __init__(self, browser, base_url: str, folder: Path):
        self.browser, self.base_url, self.folder = browser, base_url, folder
        self.contexts, self.pages, self.shots = [], [], 0
        shutil.rmtree(folder, ignore_errors=True)

    def open(self, *, size=DESKTOP, javascript: bool = True):
        """A new page in a browser of its own (own cookies): a phone's or a desktop's,
        with or without JavaScript."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=size,
            java_script_enabled=javascript,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(TIMEOUT_MS)
        # Only the portal itself answers: map tiles and any other host are refused.
        local = re.escape(self.base_url)
        context.route(re.compile(rf"^(?!{local}/)[a-z]+://"), lambda route: route.abort())
        self.contexts.append(context)
        page = context.new_page()
        self.pages.append(page)
        return page

    def sign_in(self, page, user) -> None:
        """A session for `user` without the login form (the journeys that test the form use
        it): the cookie of a session made on the server's own database."""
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies(
            [{"name": name, "value": client.cookies[name].value, "url": self.base_url}]
        )

    @contextmanager
    def step(self, title: str):
        try:
            yield
        finally:
            self.shots += 1
            for number, page in enumerate(self.pages):
                suffix = f"-{number}" if number else ""
                self.screenshot(page, f"{self.shots:02d}-{_slug(title)}{suffix}")

    def screenshot(self, page, name: str) -> None:
        if page.is_closed():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # A screenshot that fails must not hide the step's own failure.
        with suppress(Exception):
            page.screenshot(path=self.folder / f"{_slug(name)}.png", full_page=True)

    def close(self, *, failed: bool) -> None:
        for context in self.contexts:
            context.close()
        if not failed:
            shutil.rmtree(self.folder, ignore_errors=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@pytest.fixture
def journey(request, browser, portal):
    opened = Journey(browser, portal.url, SCREENSHOTS / _slug(request.node.name))
    yield opened
    opened.close(failed=request.node.stash.get(_FAILED, False))
