"""A value built from the database once per process and rebuilt when the data changes."""

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings
from django.utils import translation

T = TypeVar("T")
log = logging.getLogger(__name__)


class VersionedProcessCache(Generic[T]):
    """Holds what `build()` made; `version()` (a cheap query) is asked at most every
    `check_every` seconds, so a lookup seldom touches the database, and a new version
    means a rebuild. Several app servers each notice a change within that interval.

    Each build is logged with the process that made it. On an app server the first build is
    the master's, before it forks its workers (portal/warm.py), so a worker appears there
    only when the data changed since."""

    def __init__(
        self,
        *,
        name: str,
        build: Callable[[], T],
        version: Callable[[], Hashable],
        check_every: float = 30.0,
        after_build: Callable[[], None] | None = None,
    ):
        self._name, self._build, self._version = name, build, version
        self._check_every, self._after_build = check_every, after_build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._built_for: Hashable = None
        self._checked_at = 0.0

    def get(self) -> T:
        if self._value is not None and time.monotonic() - self._checked_at < self._check_every:
            return self._value
        with self._lock:
            if self._value is None or time.monotonic() - self._checked_at >= self._check_every:
                version = self._version()
                if self._value is None or version != self._built_for:
                    started = time.perf_counter()
                    # In Vietnamese whatever page asked first: the labels and links it
                    # holds serve both languages' pages and the API.
                    with translation.override(settings.LANGUAGE_CODE):
                        self._value, self._built_for = self._build(), version
                    elapsed = (time.perf_counter() - started) * 1000
                    log.info("%s built in %.0f ms by process %d", self._name, elapsed, os.getpid())
                    if self._after_build is not None:
                        self._after_build()
                self._checked_at = time.monotonic()
            return self._value

    def version_built(self) -> str:
        """The data version the value was built from: the same in every process that built
        from the same data, so a key for what is derived from it and shared between them."""
        self.get()
        return repr(self._built_for)

    def reset(self) -> None:
        """Forget the value, so the next `get()` rebuilds it."""
        with self._lock:
            self._value = None
