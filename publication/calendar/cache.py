"""The process cache of calendar years and the shared version token that invalidates it.

Overrides are loaded one year range per query and kept in-process per year. Every write bumps a
version token in the shared (Redis) cache, immediately and again on commit; the writing process
drops its copy at once, the others when they next look at the token (at most every
TOKEN_RECHECK_SECONDS). For a list of deadlines, take one `working_calendar()` snapshot and call
its methods.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

from publication.calendar.workdays import WorkingCalendar, YearData

logger = logging.getLogger(__name__)

_VERSION_KEY = "publication:calendar:version"
# How long a process trusts its cached years before looking at the shared token again. A write in
# this process invalidates at once; one in another process is seen within this delay. Calendar
# changes happen a few times a year, while deadlines are computed all day.
TOKEN_RECHECK_SECONDS = 2.0
_DIRTY_FLAG = "publication_calendar_dirty"

# Sent by every calendar write, inside its transaction, after the rows changed. Deadlines listen
# (publication/receivers.py) to recompute their due dates after the commit; the calendar itself
# knows nothing of them.
calendar_rows_changed = Signal()


@dataclass
class _ProcessState:
    token: str | None
    years: dict[int, YearData]
    checked_at: float = 0.0  # time.monotonic() of the last look at the shared token


_state = _ProcessState(token=None, years={})
_state_lock = threading.Lock()


def _shared_token() -> str | None:
    """The calendar's current version in the shared cache; None when the cache is unreachable."""
    try:
        token = cache.get(_VERSION_KEY)
        if token is None:
            # Missing (first start, or Redis was flushed): nobody can know what changed, so a new
            # token makes every process reload.
            cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(_VERSION_KEY)
        return token
    except Exception:
        logger.warning(
            "working calendar: shared cache unavailable, reading the database", exc_info=True
        )
        return None


def _bump_shared_token() -> None:
    global _state
    with _state_lock:
        _state = _ProcessState(token=None, years={})
    try:
        cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.error("working calendar: could not invalidate the shared cache", exc_info=True)


def calendar_changed() -> None:
    """Called by every write, inside its transaction.

    The token is bumped now (this process and any reader see the change as soon as it commits)
    and again on commit, because another process may have re-read the old rows between the first
    bump and the commit. Until this connection's transaction ends, its own snapshots bypass the
    process cache: they see uncommitted rows that a rollback would make false.
    """
    connection = transaction.get_connection()
    setattr(connection, _DIRTY_FLAG, True)
    _bump_shared_token()
    transaction.on_commit(_bump_shared_token)
    calendar_rows_changed.send(sender=None)


def calendar_cache_clear() -> None:
    """Forget every cached year in this process and in the others (tests, restored backups)."""
    connection = transaction.get_connection()
    setattr(connection, _DIRTY_FLAG, False)
    _bump_shared_token()


def working_calendar() -> WorkingCalendar:
    """A consistent view of the calendar. For a list of deadlines take one and reuse it."""
    global _state
    connection = transaction.get_connection()
    if getattr(connection, _DIRTY_FLAG, False):
        if connection.in_atomic_block:
            return WorkingCalendar({})
        setattr(connection, _DIRTY_FLAG, False)
    state = _state
    if state.token is not None and time.monotonic() - state.checked_at < TOKEN_RECHECK_SECONDS:
        return WorkingCalendar(state.years)
    token = _shared_token()
    if token is None:
        return WorkingCalendar({})
    with _state_lock:
        if _state.token != token:
            _state = _ProcessState(token=token, years={})
        _state.checked_at = time.monotonic()
        return WorkingCalendar(_state.years)
