import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from portal.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "PORTAL_ENV",
    "SITE_URL",
)


def assert_deploy_check_passes(env: dict[str, str]) -> None:
    """`manage.py check --deploy` with these variables alone reports not even a warning."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env_bool("SOME_FLAG")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.vn, b.vn ,")
    assert env_list("HOSTS", []) == ["a.vn", "b.vn"]


def test_embedded_default_is_sqlite_eager_celery_and_local_memory_cache():
    code = (
        "from django.conf import settings as s; import json;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], str(s.DATABASES['default']['NAME']),"
        " s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'], s.DEBUG, s.TIME_ZONE,"
        " s.LANGUAGE_CODE]))"
    )
    result = run_django(code)
    assert result.returncode == 0, result.stderr
    engine, name, eager, cache, debug, tz, language = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith("var/portal.sqlite3")
    assert eager is True
    assert cache.endswith("LocMemCache")
    assert debug is False
    assert (tz, language) == ("Asia/Ho_Chi_Minh", "vi")


def test_redis_url_configures_broker_and_cache():
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    result = run_django(code, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == [
        "redis://127.0.0.1:6379/3",
        "False",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_a_bad_boolean_stops_the_start():
    result = run_django("", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_production_without_a_secret_key_stops_the_start():
    result = run_django("", PORTAL_ENV="production", ALLOWED_HOSTS="congphuongxa.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_the_site_address_for_emails_stops_the_start():
    result = run_django(
        "",
        PORTAL_ENV="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="congphuongxa.vn",
        DATABASE_URL="sqlite:///unused.sqlite3",
    )
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


def test_check_deploy_reports_nothing_with_production_variables(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env = {
        **clean,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "congphuongxa.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SITE_URL": "https://congphuongxa.vn",
    }
    assert_deploy_check_passes(env)


def test_wsgi_application_loads():
    result = run_django("from portal.wsgi import application; print(type(application).__name__)")
    assert result.stdout.strip() == "WSGIHandler"


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_celery_app_takes_its_settings_from_django():
    from portal.celery import app

    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    longest = max(app.conf.task_time_limit, 1900)  # check_links sets its own, longer limit
    assert app.conf.broker_transport_options["visibility_timeout"] > longest
    code = "from portal.celery import app; print(app.conf.task_always_eager)"
    assert run_django(code).stdout.strip() == "True"  # no broker: the embedded default
    with_broker = run_django(code, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert with_broker.stdout.strip() == "False"
