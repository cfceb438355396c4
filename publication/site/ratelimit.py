"""Fixed-window rate limits of the public site's costly or writing pages (search, objections),
counted in Redis per client address and scope; rates in settings.PUBLIC_RATES ("N/second|minute|
hour|day", env PUBLIC_RATE_<SCOPE>). Behind a reverse proxy, REMOTE_ADDR must be the client's
address (docs/operations.md)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count this request; True when the client has gone over its limit for `scope`."""
    rate = settings.PUBLIC_RATES.get(scope)
    if not rate:
        return False
    limit, period = parse_rate(rate)
    window = int(time.time()) // period
    client = request.META.get("REMOTE_ADDR", "unknown")
    key = f"public:rate:{scope}:{client}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.add(key, 1, timeout=period + 1)
        count = 1
    return count > limit
