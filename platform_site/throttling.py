"""API throttling: DRF's rate throttles with their counters in Redis (the Django cache) and their
rates read from settings.API_THROTTLE_RATES at request time (env ``API_THROTTLE_<SCOPE>``), so an
operator can tune one scope without a code change.

Every API view gets ``anon`` (per client address) and ``user`` (per account); views doing heavy work
name a scope as well (``throttle_scope = "verify"``, ``"upload"``), counted per account or address.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle


class _RatesFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope) if self.scope else None


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    pass


class ScopeThrottle(_RatesFromSettings, ScopedRateThrottle):
    """Only for views that set ``throttle_scope``; a scope without a rate is not limited."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)
