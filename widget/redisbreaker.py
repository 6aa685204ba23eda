"""A circuit breaker for Redis: once it fails, skip it for a while instead of waiting on it.

Redis is an optimisation here (shared page cache, shared rate-limit counts); a Redis that
is down or hangs must cost a request milliseconds, not a socket time-out. After a failure
the breaker opens: callers use their in-process fallback, and Redis is tried again after
a back-off (REDIS_BREAKER_SECONDS, doubling up to REDIS_BREAKER_MAX_SECONDS) by one
PING with a PROBE_TIMEOUT_SECONDS time-out. Each process has its own breakers.
"""

import logging
import threading
import time

log = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 0.05


class Breaker:
    def __init__(self, name, redis_url, first_backoff=1.0, max_backoff=30.0, clock=time.monotonic):
        self.name = name
        self.redis_url = redis_url
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.clock = clock
        self.failures = 0
        self.retry_at = 0.0
        self._probing = threading.Lock()

    @property
    def is_open(self):
        return self.failures > 0

    def allows(self):
        """True when Redis may be used now: closed, or open and due for a probe that
        answered in time (only one thread probes; the others keep skipping)."""
        if not self.failures:
            return True
        if self.clock() < self.retry_at or not self._probing.acquire(blocking=False):
            return False
        try:
            if self._ping():
                self.succeeded()
                return True
            self.failed()
            return False
        finally:
            self._probing.release()

    def failed(self, error=None):
        self.failures += 1
        backoff = min(self.max_backoff, self.first_backoff * 2 ** (self.failures - 1))
        self.retry_at = self.clock() + backoff
        if self.failures == 1:
            log.warning("Redis unavailable for the %s (%s); skipping it, next try in %.1f s",
                        self.name, error or "no answer", backoff)

    def succeeded(self):
        if self.failures:
            log.warning("Redis back for the %s", self.name)
        self.failures = 0
        self.retry_at = 0.0

    def _ping(self):
        import redis

        client = redis.Redis.from_url(self.redis_url, socket_timeout=PROBE_TIMEOUT_SECONDS,
                                      socket_connect_timeout=PROBE_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        except Exception:
            return False
        finally:
            client.close()
