"""The portal served to a real browser from inside the test's own database transaction.

pytest-django's `live_server` needs `transactional_db`, whose teardown empties every table:
the administrative data `tests/conftest.py` loads once for the session would be gone for
every test after it. Here the server instead answers on the test's own connection, inside
the transaction the `db` fixture opens and rolls back, so whatever a journey writes
(accounts, hours, closures, imported procedures, subscriptions) disappears with the test
and the session's data stays as loaded, in any order of tests.

Requests are answered one at a time (one connection cannot run two transactions at once),
and a request's `transaction.on_commit` callbacks run when it ends, where a real commit
would run them: emails are sent, cached pages renewed. What only a real commit shows (two
connections seeing each other's writes) is the cluster tests' part (tests/portal/test_cluster.py).
"""

import threading
from contextlib import contextmanager

from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.test import TestCase


class _SharedConnectionApp:
    """The portal's WSGI application, run on the connection `serving()` lends it."""

    def __init__(self) -> None:
        self.application = WSGIHandler()
        self.connection = None
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            if self.connection is None:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"No test is running."]
            connections[DEFAULT_DB_ALIAS] = self.connection
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = self.application(environ, start_response)
                # The body is read here, under the lock: a streamed page reads the database too.
                try:
                    body = b"".join(response)
                finally:
                    response.close()
            return [body]


class _RequestHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass  # the browser's requests would bury the test's own output


class PortalServer:
    """An HTTP server on a free loopback port, in a thread of the test process."""

    def __init__(self) -> None:
        self.app = _SharedConnectionApp()
        self.httpd = WSGIServer(("127.0.0.1", 0), _RequestHandler, allow_reuse_address=False)
        self.httpd.set_app(self.app)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    @contextmanager
    def serving(self):
        """Answer on this thread's connection, inside the test's transaction, until the
        block ends; then wait for the request in hand and answer 503 to any later one."""
        connection = connections[DEFAULT_DB_ALIAS]
        connection.inc_thread_sharing()
        # At the start and end of every request Django closes a connection that is not in
        # autocommit mode, which the test's, inside its transaction, never is.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        self.app.connection = connection
        try:
            yield self
        finally:
            with self.app.lock:
                self.app.connection = None
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            connection.dec_thread_sharing()
