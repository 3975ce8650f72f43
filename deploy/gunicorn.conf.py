"""The production gunicorn configuration of one app server:

    gunicorn --config deploy/gunicorn.conf.py

Its values come from the environment (deploy/portal.env.example lists them), so the same
file serves every app server, the compose file and the tests that start real servers.

The master loads the application and builds the in-memory indexes before it binds its
socket and forks the workers (`preload_app`, `on_starting`): each worker starts with the
indexes already built and shares their memory, so the first conversion on a new worker
costs what the thousandth does.
"""

import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal.client import trusted_networks  # noqa: E402 (needs ROOT on the path)
from portal.env import env_bool, env_int, env_list, env_str  # noqa: E402

wsgi_app = "portal.wsgi:application"
chdir = str(ROOT)
# An address and port (10.20.0.11:8000) or a unix socket (unix:/run/cong-phuong-xa/web.sock).
bind = [env_str("GUNICORN_BIND", "127.0.0.1:8000")]
# WEB_CONCURRENCY is also what gunicorn reads by itself; the default is its own advice.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
# Sync workers: nginx buffers requests and answers, so a slow client never holds a worker.
worker_class = "sync"
timeout = env_int("GUNICORN_TIMEOUT", 60)  # a catalogue import in the admin is the longest
graceful_timeout = 30
preload_app = env_bool("GUNICORN_PRELOAD", True)
# gunicorn's control socket sits at one path per user: a second server on the machine (the
# cluster test, the benchmark) would take it over. Nothing here uses it; systemd signals.
control_socket_disable = True

# gunicorn believes X-Forwarded-Proto from the same proxies the portal believes
# X-Forwarded-For from (TRUSTED_PROXIES, read by portal/client.py the same way); a unix
# socket peer is always believed by gunicorn and needs no entry.
forwarded_allow_ips = ",".join(
    str(network) for network in trusted_networks(tuple(env_list("TRUSTED_PROXIES", [])))[0]
)

# One line per request on stdout (the journal under systemd): the client as nginx saw it,
# the peer, the request, status, size, milliseconds and the worker's pid.
accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms %(p)s'
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")


def _warm() -> None:
    from portal.warm import indexes_warm

    indexes_warm()


def on_starting(server):
    # With preload the application is loaded by now; its indexes are built here, before
    # the socket is bound, so no request waits for them.
    if server.cfg.preload_app:
        _warm()


def pre_fork(server, worker):
    # A worker must never inherit the master's database connection: two processes talking
    # over one socket corrupt each other's answers.
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()


def post_worker_init(worker):
    # Without preload (or when the database was down as the master started) each worker
    # builds its own indexes before it accepts a connection; otherwise this finds them built.
    _warm()
