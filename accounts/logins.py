"""Login lock-out, counted in Redis (the Django cache) so that it is atomic without a database lock.

Every password check first *reserves* an attempt with an atomic INCR, and only the first
``LOGIN_FAILURE_LIMIT`` reservations of a window get their password checked: parallel attempts cannot
slip past the limit, however many arrive at once. Two counters are reserved per attempt:

- the pair (user name, client address): ``LOGIN_FAILURE_LIMIT`` attempts per window; a success resets
  it. A guesser at one address locks only their own address out of that account, never the owner
  who logs in from elsewhere, so nobody can lock a named account out for good;
- the client address alone (any user name): ``LOGIN_ADDRESS_FAILURE_LIMIT`` attempts per window,
  against password spraying from one address.

A window lasts ``LOGIN_LOCKOUT_MINUTES`` from its first failure; a lock ends with its window. Whether
the user name exists changes nothing here (same counters, same message), so the lock-out does not
tell a guesser which accounts exist. An admin's password reset or unfreeze starts the account afresh
(``login_reset_for``).

The audit trail gets one ``auth.locked`` event when a pair or an address reaches its limit (with the
count), not one row per failure: failures are aggregated, and the trail cannot be flooded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger("accounts.logins")

_PREFIX = "login:v1"


@dataclass(frozen=True)
class LoginRefusal:
    """An attempt refused before its password was checked."""

    until: datetime


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the header named by LOGIN_CLIENT_ADDRESS_HEADER when
    a trusted proxy in front of the application sets it (its last entry: the proxy's own view)."""
    if request is None:
        return "-"
    header = settings.LOGIN_CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "-")[:64]


def _digest(value: str) -> str:
    return sha256(value.encode()).hexdigest()[:32]


def _generation(username: str) -> str:
    return str(cache.get(f"{_PREFIX}:gen:{_digest(username.lower())}", 0))


def _pair_key(username: str, address: str) -> str:
    name = username.lower()
    return f"{_PREFIX}:pair:{_generation(name)}:{_digest(name + chr(0) + address)}"


def _address_key(address: str) -> str:
    return f"{_PREFIX}:addr:{_digest(address)}"


def _window_seconds() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def _reserve(key: str) -> int:
    """Atomically count one more attempt in the key's window (SET NX then INCR)."""
    cache.add(key, 0, timeout=_window_seconds())
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 1, timeout=_window_seconds())
        return 1


def _expires_in(key: str) -> int | None:
    client = getattr(cache, "_cache", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    raw = client.get_client(key).ttl(cache.make_and_validate_key(key))
    return raw if raw and raw > 0 else None


@dataclass(frozen=True)
class LoginAttempt:
    """One reserved password check: its number in the pair's and in the address's window."""

    username: str
    address: str
    pair_number: int
    address_number: int


def login_attempt_begin(*, username: str, address: str) -> LoginAttempt | LoginRefusal:
    """Reserve one password check for (username, address); a refusal means: do not check it."""
    pair_key, address_key = _pair_key(username, address), _address_key(address)
    pair_number = _reserve(pair_key)
    address_number = _reserve(address_key)
    if pair_number > settings.LOGIN_FAILURE_LIMIT:
        return LoginRefusal(until=timezone.now() + timedelta(seconds=_ttl(pair_key)))
    if address_number > settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return LoginRefusal(until=timezone.now() + timedelta(seconds=_ttl(address_key)))
    return LoginAttempt(username, address, pair_number, address_number)


def _ttl(key: str) -> int:
    return _expires_in(key) or _window_seconds()


def login_attempt_failed(attempt: LoginAttempt) -> None:
    """The reserved attempt failed: its reservation stays counted. The failure that reaches a
    limit (exactly one attempt holds that number) writes one aggregated ``auth.locked`` event."""
    from accounts.audit import record_event

    logger.info(
        "login failed for %r from %s (%d, %d)",
        attempt.username[:150],
        attempt.address,
        attempt.pair_number,
        attempt.address_number,
    )
    reached = []
    if attempt.pair_number == settings.LOGIN_FAILURE_LIMIT:
        reached.append("account_address")
    if attempt.address_number == settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        reached.append("address")
    if reached:
        record_event(
            actor=None,
            action="auth.locked",
            details={
                "username": attempt.username[:150],
                "address": attempt.address,
                "scope": reached,
                "failures": max(attempt.pair_number, attempt.address_number),
                "minutes": settings.LOGIN_LOCKOUT_MINUTES,
            },
        )


def login_attempt_succeeded(attempt: LoginAttempt) -> None:
    """The right password: this pair starts afresh (the address count stays: spraying from one
    address with one valid account must not reset the address limit)."""
    cache.delete(_pair_key(attempt.username, attempt.address))


def login_reset_for(username: str) -> None:
    """Start every address afresh for this account (an admin reset its password or unfroze it)."""
    key = f"{_PREFIX}:gen:{_digest(username.lower())}"
    cache.add(key, 0, timeout=None)
    cache.incr(key)
