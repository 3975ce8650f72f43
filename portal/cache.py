"""A Redis cache that degrades instead of failing: when Redis is down, a rate limit cannot
count, so the request goes through (RATELIMIT_FAIL_OPEN) instead of answering 500."""

import logging

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        try:
            return super().add(*args, **kwargs)
        except Exception as error:  # redis-py's connection errors vary with the failure
            log.warning("Cache unavailable, limit not counted: %s", error.__class__.__name__)
            return False

    def incr(self, *args, **kwargs):
        try:
            return super().incr(*args, **kwargs)
        except ValueError:
            raise
        except Exception:
            return None

    def get(self, *args, **kwargs):
        try:
            return super().get(*args, **kwargs)
        except Exception:
            return kwargs.get("default", args[1] if len(args) > 1 else None)
