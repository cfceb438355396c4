"""Calendar tests rely on two things.

The official schedules (2004–2026) are in the database. Migration 0002 seeds them, but any
transactional test (a live server, the worker test) flushes every table, and with --reuse-db the
flushed database is kept; so the seed is re-applied once per session, idempotently.

Every test starts with an empty in-process calendar cache: the test database rolls back after each
test but the cache does not, and a year cached during one test would leak into the next.
"""

from datetime import date

import pytest

from publication.calendar import calendar_cache_clear, calendar_seed


@pytest.fixture(scope="session", autouse=True)
def official_calendar_seeded(django_db_setup, django_db_blocker):
    from django.apps import apps

    with django_db_blocker.unblock():
        # With the app registry as `apps`, exactly as the migration runs it: no audit event.
        calendar_seed(apps=apps)
    calendar_cache_clear()


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


@pytest.fixture
def schedule_2027() -> str:
    """A plausible 2027 schedule in the import format (2027 has no official data in the package)."""
    return "\n".join(
        [
            "# 2027 年部分节假日安排（测试数据）",
            "2027-01-01,休,元旦",
            "2027-02-05,holiday,春节",
            "2027-02-08,休,春节",
            "2027-02-09,休,春节",
            "2027-02-07,班,春节调休",
            "2027-10-01\tholiday\t国庆节",
            "2027-10-04,休,国庆节",
            "2027-10-09,workday,国庆节调休",
        ]
    )


@pytest.fixture
def some_weekday() -> date:
    return date(2027, 3, 3)  # a Wednesday in a year without official data
