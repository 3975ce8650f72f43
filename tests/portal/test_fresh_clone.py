"""A fresh clone with nothing beside it is the whole product."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests import outside_reads

REPOSITORY = Path(settings.BASE_DIR)


def test_the_service_point_data_ships_inside_the_repository_with_its_licence_and_credit():
    path = Path(settings.WARD_OFFICES_CSV).resolve()
    assert path.is_relative_to(REPOSITORY) and path.is_file()
    licence = (path.parent / "ward-offices-LICENSE.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Tran Ngoc Minh Hieu" in licence
    note = (path.parent / "README.md").read_text(encoding="utf-8")
    assert "vietnamadminunits" in note and "17 July 2025" in note


@pytest.mark.django_db
def test_a_missing_ward_offices_file_stops_setup_with_the_path_named(settings, tmp_path):
    settings.WARD_OFFICES_CSV = tmp_path / "gone.csv"
    with pytest.raises(CommandError, match=r"gone\.csv"):
        call_command("setup_data", verbosity=0)


@pytest.mark.parametrize("path", ["shared/data/ward-offices-2025-07-17.csv", "shared"])
def test_the_guard_sees_a_read_beside_the_repository(path, tmp_path):
    repository = tmp_path / "clone"
    repository.mkdir()
    (tmp_path / "shared").mkdir()
    watched = outside_reads.neighbours(repository)
    assert outside_reads.is_beside_repository(str(tmp_path / path), watched)
    assert not outside_reads.is_beside_repository(str(repository / "wards/data/x.csv"), watched)


@pytest.mark.django_db
def test_setup_and_the_tests_so_far_read_nothing_beside_the_repository():
    from tests.conftest import OUTSIDE_READS

    assert OUTSIDE_READS.paths == []


def make_run_dry(*args: str) -> str:
    return subprocess.run(
        ["make", "-n", "-o", "install", "run", *args],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_serves_on_port_8000_by_default_and_links_emails_there():
    commands = make_run_dry()
    assert "runserver 127.0.0.1:8000" in commands
    assert "http://127.0.0.1:8000" in commands


def test_make_run_takes_the_port_and_points_email_links_at_it():
    commands = make_run_dry("PORT=8123")
    assert "runserver 127.0.0.1:8123" in commands
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:8123}"' in commands
