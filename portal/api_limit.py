"""The API's per-client limit: a counter per client and fixed window, shared by every app
server through Redis. The API answers in well under a millisecond, so counting must cost
less than the answer:
- a count is one round trip (INCRBY and EXPIRE sent together), where django-ratelimit's
  add-then-incr takes three;
- under a generous rate, each process sends its count every few requests of a client
  (`_batch`), so a client may go over by that many requests per process, a few per cent
  of 600 a minute; a small rate is counted exactly.
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
# key → [requests not yet sent to Redis, the total Redis gave last]
_unsent: dict[str, list[int]] = {}
MAX_UNSENT_KEYS = 10_000


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
        used = _count(key, rate.seconds, _batch(rate))
    except Exception as error:  # redis-py's errors vary with the failure
        log.warning("API limit not counted: %s", error.__class__.__name__)
        return None
    if used <= rate.count:
        return None
    return max(1, int((window + 1) * rate.seconds - now))


def _batch(rate: Rate) -> int:
    return max(1, min(10, rate.count // 100))


def _count(key: str, seconds: int, batch: int) -> int:
    if len(_unsent) > MAX_UNSENT_KEYS:  # old windows' keys
        _unsent.clear()
    unsent = _unsent.setdefault(key, [0, 0])
    unsent[0] += 1
    if unsent[0] < batch:
        return unsent[1] + unsent[0]
    if settings.REDIS_URL:
        pipe = _redis().pipeline(transaction=False)
        pipe.incrby(key, unsent[0])
        pipe.expire(key, seconds + 1, nx=True)
        total, _ = pipe.execute()
    else:
        cache = caches["ratelimit"]
        cache.add(key, 0, timeout=seconds + 1)
        total = cache.incr(key, unsent[0])
    unsent[:] = [0, total]
    return total


def _redis() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _clients[url]
