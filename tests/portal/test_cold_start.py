"""A new worker answers its first conversion with the indexes already built: real gunicorn
servers on the test database, read through the build lines every index build logs
(portal/process_cache.py) and the access log, which names the worker of each request."""

import pytest
from django.db import connection

from tests.portal.servers import get, running_servers

pytestmark = pytest.mark.cluster
INDEXES = {"address index", "procedure search index"}
# One path per index: a worker that has not built an index builds it on the first.
PATHS = ("/api/v1/convert?q=quan+hoa", "/api/v1/procedures?q=khai+sinh")


@pytest.fixture
def shared_database(django_db_setup, django_db_blocker):
    """The session's test database, which a server process can open (its data is committed
    by the session's setup)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("app servers need a shared database server (CI uses PostgreSQL)")
        yield


def _until_each_worker_served_each_path(server, workers: int) -> set[int]:
    """Ask until every worker has answered every path at least once (gunicorn hands each
    connection to whichever worker accepts first); the workers' pids."""
    for attempt in range(400):
        path = PATHS[attempt % len(PATHS)]
        assert get(server, path).status == 200
        served = server.served()
        pids = {pid for _, _, pid in served}
        if len(pids) == workers and all(
            {p for p, _, pid in served if pid == worker} >= set(PATHS) for worker in pids
        ):
            return pids
    raise AssertionError(f"not every worker answered:\n{server.log_text()}")


def test_workers_start_with_both_indexes_built_by_the_master_before_it_forks(
    shared_database, tmp_path
):
    with running_servers(("app", tmp_path / "app.log")) as [server]:
        workers = _until_each_worker_served_each_path(server, workers=2)
        builds = server.builds()
    assert {name for name, _ in builds} == INDEXES, server.log_text()
    # Built once, by the master, before it forked the workers; never on a request.
    assert len({pid for _, pid in builds}) == 1 and not {pid for _, pid in builds} & workers
    assert len(builds) == len(INDEXES)
    log = server.log_text()
    assert log.index("procedure search index built") < log.index("Booting worker")


def test_without_the_production_config_each_worker_builds_on_its_first_request(
    shared_database, tmp_path
):
    """What the test above rules out, seen: the build lines do name the workers when the
    indexes are built on demand."""
    log = tmp_path / "plain.log"
    with running_servers(("plain", log), config=None) as [server]:
        workers = _until_each_worker_served_each_path(server, workers=2)
        builds = server.builds()
    assert {pid for _, pid in builds} == workers
    assert sorted(builds) == sorted((name, pid) for name in INDEXES for pid in workers)
