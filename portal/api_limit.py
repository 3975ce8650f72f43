"""The API's per-client limit: a counter per client and fixed window, shared by every app
server through Redis. The API answers in about a millisecond, so the count costs one round
trip (INCR and EXPIRE sent together), where django-ratelimit's add-then-incr takes three.
Without Redis (a laptop) the ratelimit cache counts in memory. Any failure lets the request
through: a broken counter must not shut the API."""

import logging
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import caches

log = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_clients: dict[str, redis.Redis] = {}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> "Rate":
        """A django-ratelimit rate: "600/m" → 600 a minute, "30/5m" → 30 in five minutes."""
        count, _, period = rate.partition("/")
        return cls(int(count), int(period[:-1] or 1) * PERIODS[period[-1]])


def seconds_over_limit(*, group: str, client: str, rate: Rate) -> int | None:
    """Count one request of `client`; None while within the rate, else the seconds until
    its window ends (for Retry-After)."""
    now = time.time()
    window = int(now // rate.seconds)
    key = f"api-limit:{group}:{client}:{window}"
    try:
        used = _count(key, rate.seconds)
    except Exception as error:  # redis-py's errors vary with the failure
        log.warning("API limit not counted: %s", error.__class__.__name__)
        return None
    if used <= rate.count:
        return None
    return max(1, int((window + 1) * rate.seconds - now))


def _count(key: str, seconds: int) -> int:
    if not settings.REDIS_URL:
        cache = caches["ratelimit"]
        cache.add(key, 0, timeout=seconds + 1)
        return cache.incr(key)
    pipe = _redis().pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, seconds + 1, nx=True)
    used, _ = pipe.execute()
    return used


def _redis() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _clients[url]
