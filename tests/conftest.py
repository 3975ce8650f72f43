import os

import pytest
from django.core.management import call_command

from tests import outside_reads
from wards.models import Province, Unit

OUTSIDE_READS = outside_reads.install()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if anything read a file beside the repository (tests/outside_reads.py)."""
    if OUTSIDE_READS.paths:
        listed = "\n  ".join(sorted(set(OUTSIDE_READS.paths)))
        session.config.get_terminal_writer().line(
            f"\nFAILED: the session read files outside the repository:\n  {listed}", red=True
        )
        session.exitstatus = 1


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_keepdb, django_db_createdb
):
    """The test database with the real administrative data, loaded once for the whole
    session; each test runs in a transaction on top of it. Set up here rather than by
    pytest-django, which creates no database when only the chaos tests (which commit, so
    use no `db` fixture) are selected."""
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=verbosity, interactive=False, keepdb=keepdb, aliases={"default"}
        )
        call_command("setup_data", verbosity=0)
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(databases, verbosity=verbosity)


@pytest.fixture
def hanoi(db) -> Province:
    return Province.objects.get(code="01")


@pytest.fixture
def cau_giay(db) -> Unit:
    return Unit.objects.select_related("province").get(code="00166")


@pytest.fixture
def redis_url() -> str:
    """The real Redis the suite runs against in CI; tests that need it skip without it."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set (CI sets it to the machine's Redis)")
    return url


@pytest.fixture
def ba_dinh(db) -> Unit:
    return Unit.objects.select_related("province").get(code="00004")


@pytest.fixture
def cau_giay_editor(cau_giay):
    from tests.factories import StaffMembershipFactory

    return StaffMembershipFactory(unit=cau_giay).user


@pytest.fixture
def cau_giay_admin(cau_giay):
    from tests.factories import StaffMembershipFactory
    from wards.models import StaffRole

    return StaffMembershipFactory(unit=cau_giay, role=StaffRole.UNIT_ADMIN).user


@pytest.fixture
def ba_dinh_editor(ba_dinh):
    from tests.factories import StaffMembershipFactory

    return StaffMembershipFactory(unit=ba_dinh).user


@pytest.fixture(scope="session", autouse=True)
def celery_runs_in_process():
    """Tasks run in the test's own process unless a test starts a real worker (the chaos
    tests); CI's REDIS_URL would otherwise send them to a broker nobody reads."""
    from portal.celery import app

    app.conf.task_always_eager = True
    yield app


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no request counted against any limit, and no page kept from
    another test's (rolled back) data."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    caches["pages"].clear()
