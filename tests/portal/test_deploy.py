"""deploy/ describes one production shape, consistently: N stateless app servers behind
nginx, one PostgreSQL, one Redis, M Celery workers and exactly one beat. Docker cannot run
here, so the compose file is read rather than started (the cluster test starts the same
shape from processes)."""

import ast
import ipaddress
import os
import re
import runpy
import secrets
from pathlib import Path

import pytest
import yaml

from portal.client import trusted_networks
from tests.portal.test_settings import assert_deploy_check_passes

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_FILE = "/etc/cong-phuong-xa/portal.env"
REQUIRED_IN_PRODUCTION = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"}
# Read by settings but meaningless in production: the benchmarks' extra view.
NOT_FOR_PRODUCTION = {"BENCH_CEILING"}
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list", "env_required"}


def _settings_variables() -> set[str]:
    tree = ast.parse((ROOT / "portal/settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ENV_READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def _env_example() -> tuple[dict[str, str], set[str]]:
    """(the variables set, every variable named: set or shown commented with its default)."""
    values, named = {}, set()
    for line in (DEPLOY / "portal.env.example").read_text().splitlines():
        if match := re.fullmatch(r"(#\s*)?([A-Z][A-Z0-9_]*)=(.*)", line.strip()):
            named.add(match[2])
            if not match[1]:
                values[match[2]] = match[3].strip('"')
    return values, named


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _services_running(compose: dict, *words: str) -> list[str]:
    return [
        name
        for name, service in compose["services"].items()
        if all(word in (service.get("command") or []) for word in words)
    ]


def _upstream_servers() -> list[str]:
    conf = (DEPLOY / "nginx/cong-phuong-xa.conf").read_text()
    upstream = re.search(r"upstream cong_phuong_xa \{(.*?)\}", conf, re.S)[1]
    return re.findall(r"^\s*server\s+(\S+)", upstream, re.M)


def _proxy_addresses(value: str):
    return trusted_networks(tuple(item.strip() for item in value.split(",")))[0]


def test_the_compose_file_runs_two_app_servers_two_workers_and_exactly_one_beat():
    compose = _compose()
    assert _services_running(compose, "celery", "beat") == ["beat"]
    assert _services_running(compose, "celery", "worker") == ["worker1", "worker2"]
    web = _services_running(compose, "gunicorn", "deploy/gunicorn.conf.py")
    assert web == ["web1", "web2"]
    assert {"postgres", "redis", "nginx", "release"} <= set(compose["services"])
    addresses = [compose["services"][n]["networks"]["portal"]["ipv4_address"] for n in web]
    port = compose["services"]["web1"]["environment"]["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert _upstream_servers() == [f"{address}:{port}" for address in addresses]


def test_every_portal_service_of_the_compose_file_has_the_production_settings():
    compose = _compose()
    portal = [
        n for n, s in compose["services"].items() if s.get("image") == "cong-phuong-xa:latest"
    ]
    assert len(portal) == 6  # release, two app servers, two workers, beat
    nginx = ipaddress.ip_address(compose["services"]["nginx"]["networks"]["portal"]["ipv4_address"])
    for name in portal:
        environment = compose["services"][name]["environment"]
        assert environment["PORTAL_ENV"] == "production", name
        assert REQUIRED_IN_PRODUCTION | {"REDIS_URL", "CELERY_BROKER_URL"} <= set(environment)
        proxies = _proxy_addresses(environment["TRUSTED_PROXIES"])
        assert any(nginx in network for network in proxies), name


def test_the_env_example_names_every_variable_the_settings_read():
    _, named = _env_example()
    missing = _settings_variables() - NOT_FOR_PRODUCTION - named
    assert not missing, f"add to deploy/portal.env.example: {sorted(missing)}"


def test_production_settings_load_from_the_env_example_and_pass_check_deploy():
    values, _ = _env_example()
    assert values["PORTAL_ENV"] == "production" and set(values) >= REQUIRED_IN_PRODUCTION
    # The example's hosts are a plan, not this machine's: nothing must try to reach them.
    unreachable = {
        "DATABASE_URL": "postgres://portal:x@127.0.0.1:1/portal",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/1",
        "EMAIL_HOST": "127.0.0.1",
    }
    env = {"PATH": os.environ["PATH"], **values, **unreachable}
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    assert_deploy_check_passes(env)


def test_the_env_example_trusts_the_proxy_of_the_address_plan_and_nothing_else():
    values, _ = _env_example()
    compose = _compose()
    nginx = compose["services"]["nginx"]["networks"]["portal"]["ipv4_address"]
    assert [str(n) for n in _proxy_addresses(values["TRUSTED_PROXIES"])] == [f"{nginx}/32"]


def test_the_nginx_site_forwards_the_client_and_scheme_and_serves_static_files():
    conf = (DEPLOY / "nginx/cong-phuong-xa.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header Host $host;" in conf
    assert re.search(r"client_max_body_size \d+m;", conf)
    assert re.search(r"proxy_read_timeout \d+s;", conf)
    static_root, _ = _env_example()[0]["STATIC_ROOT"].rsplit("/static", 1)
    assert f"root {static_root};" in conf and "location /static/" in conf


def _unit(name: str) -> str:
    return (DEPLOY / "systemd" / name).read_text()


def test_the_systemd_units_read_one_environment_file_and_only_one_runs_beat():
    units = sorted(path.name for path in (DEPLOY / "systemd").iterdir())
    assert units == [
        "portal-beat.service",
        "portal-release.service",
        "portal-web.service",
        "portal-worker.service",
    ]
    for name in units:
        assert f"EnvironmentFile={ENV_FILE}\n" in _unit(name), name
    assert [name for name in units if re.search(r"celery .*\bbeat\b", _unit(name))] == [
        "portal-beat.service"
    ]
    assert "gunicorn --config deploy/gunicorn.conf.py" in _unit("portal-web.service")
    assert "collectstatic --noinput" in _unit("portal-web.service")
    assert re.search(r"celery --app portal worker", _unit("portal-worker.service"))
    release = _unit("portal-release.service")
    assert "Type=oneshot" in release and "migrate --noinput" in release


@pytest.fixture
def gunicorn_config(monkeypatch):
    def load(**env: str) -> dict:
        for name in ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_PRELOAD", "TRUSTED_PROXIES"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    return load


def test_the_gunicorn_config_takes_its_address_and_workers_from_the_environment(gunicorn_config):
    config = gunicorn_config(GUNICORN_BIND="0.0.0.0:8000", WEB_CONCURRENCY="5")
    assert config["bind"] == ["0.0.0.0:8000"] and config["workers"] == 5
    assert config["preload_app"] is True and config["accesslog"] == "-"
    assert config["wsgi_app"] == "portal.wsgi:application"
    assert callable(config["on_starting"]) and callable(config["post_worker_init"])


def test_gunicorn_believes_the_scheme_only_from_the_proxies_the_portal_trusts(gunicorn_config):
    config = gunicorn_config(TRUSTED_PROXIES="10.20.0.10, 10.20.1.0/24, unix")
    assert config["forwarded_allow_ips"] == "10.20.0.10/32,10.20.1.0/24"
    assert gunicorn_config()["forwarded_allow_ips"] == ""
