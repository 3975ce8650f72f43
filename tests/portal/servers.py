"""Real gunicorn app servers for the cluster tests: started with the production
configuration (deploy/gunicorn.conf.py) on a free port against the test database, read
through their logs, and stopped however the test ends."""

import http.client
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from tests.notifications.worker import database_url, wait_for

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_CONFIG = ROOT / "deploy/gunicorn.conf.py"
BUILD_LINE = re.compile(r"^(?P<name>.+) built in \d+ ms by process (?P<pid>\d+)$", re.M)
ACCESS_LINE = re.compile(
    r'"(?:GET|HEAD|POST) (?P<path>\S+) HTTP/1\.\d" (?P<status>\d+) .* <(?P<pid>\d+)>$', re.M
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    log: Path
    process: subprocess.Popen

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def builds(self) -> list[tuple[str, int]]:
        """(index name, pid) of every in-memory index build the server logged."""
        return [(m["name"], int(m["pid"])) for m in BUILD_LINE.finditer(self.log_text())]

    def served(self) -> list[tuple[str, int, int]]:
        """(path, status, worker pid) of every request in the access log."""
        return [
            (m["path"], int(m["status"]), int(m["pid"]))
            for m in ACCESS_LINE.finditer(self.log_text())
        ]


def start_server(name: str, log: Path, *, config: Path | None = PRODUCTION_CONFIG, **env):
    """A gunicorn server on a free port: with `config`, exactly as deploy/ runs it; with
    None, gunicorn's defaults (no preload, no hook) and the same access log format."""
    port = free_port()
    inherited = ("EMAIL_HOST", "PORTAL_ENV", "GUNICORN_", "WEB_CONCURRENCY")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    environment |= {
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",  # the index builds are logged at INFO
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        **env,
    }
    command = [str(Path(sys.executable).parent / "gunicorn")]
    if config is None:
        command += ["portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["--access-logfile", "-", "--access-logformat", _access_format()]
        command += ["--no-control-socket"]
    else:
        command += ["--config", str(config)]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, port, log, process)


def _access_format() -> str:
    """The production access log format, so both kinds of server log alike."""
    return runpy.run_path(str(PRODUCTION_CONFIG))["access_log_format"]


def wait_until_serving(server: Server, timeout: float = 60) -> None:
    def answers() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"{server.name} exited:\n{server.log_text()}")
        try:
            return get(server, "/healthz").status in (200, 503)
        except OSError:
            return False

    assert wait_for(answers, timeout=timeout, every=0.1), server.log_text()


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


@contextmanager
def running_servers(*specs: tuple[str, Path], **env):
    """Start the servers together (each master builds its indexes on its own core), wait
    until all answer, and stop every one of them however the block ends."""
    servers = []
    try:
        for name, log in specs:
            servers.append(start_server(name, log, **env))
        for server in servers:
            wait_until_serving(server)
        yield servers
    finally:
        for server in servers:
            stop_server(server)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    set_cookies: list[str]


@dataclass
class Browser:
    """One visitor's cookies, sent to whichever server it asks, as a browser behind one
    proxy address would; `forwarded_for` plays nginx's X-Forwarded-For."""

    forwarded_for: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, server: Server, path: str) -> Answer:
        return self.request(server, "GET", path)

    def post(self, server: Server, path: str, form: dict[str, str]) -> Answer:
        return self.request(server, "POST", path, form)

    def request(self, server, method, path, form=None) -> Answer:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        answer = _request(server, method, path, form, headers)
        for value in answer.set_cookies:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return answer


def get(server: Server, path: str) -> Answer:
    return _request(server, "GET", path, None, {})


def _request(server, method, path, form, headers) -> Answer:
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, headers, response.read().decode(), cookies)
    finally:
        connection.close()


class _Forms(HTMLParser):
    """The fields of every form of a page, with the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        name = attributes.get("name")
        if tag == "form":
            self.forms.append({})
        elif not self.forms or not name:
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1][name] = attributes.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = name
            self.forms[-1][name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self.forms[-1][self._select] = attributes.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_with(html: str, field_name: str) -> dict[str, str]:
    """The fields of the page's form that has `field_name`, as a browser would submit it."""
    parser = _Forms()
    parser.feed(html)
    matching = [form for form in parser.forms if field_name in form]
    assert matching, f"no form with {field_name!r} on the page"
    return dict(matching[0])
