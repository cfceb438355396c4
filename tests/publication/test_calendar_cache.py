"""The in-process cache: one load per year range, dropped by every write, never poisoned by a
transaction that rolls back."""

from datetime import date

import pytest
from django.db import transaction

from publication.calendar import (
    add_working_days,
    calendar_day_set,
    is_working_day,
    working_calendar,
)
from publication.calendar import cache as calendar
from tests.publication.factories import CalendarDayFactory

pytestmark = pytest.mark.django_db


def test_repeated_calls_hit_the_database_once(django_assert_num_queries):
    with django_assert_num_queries(2):  # days and year statuses for the range, once
        is_working_day(date(2025, 10, 8))
    with django_assert_num_queries(0):
        for day in range(1, 31):
            is_working_day(date(2025, 9, day))


def test_the_shared_token_is_looked_at_only_every_few_seconds(monkeypatch):
    from django.core.cache import cache

    looks = []
    real_get = cache.get
    monkeypatch.setattr(calendar.cache, "get", lambda *a, **k: looks.append(a) or real_get(*a, **k))
    for _ in range(50):
        is_working_day(date(2025, 10, 8))
    assert len(looks) == 1


def test_a_write_is_seen_at_once_by_the_writer(office_admin):
    assert is_working_day(date(2027, 3, 3))
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
    assert not is_working_day(date(2027, 3, 3))


def test_a_write_bumps_the_shared_version_so_other_processes_reload(office_admin):
    from django.core.cache import cache

    is_working_day(date(2027, 3, 3))
    token = cache.get(calendar._VERSION_KEY)
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
    assert cache.get(calendar._VERSION_KEY) != token


def test_another_process_bumping_the_version_drops_this_process_cache(monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(calendar, "TOKEN_RECHECK_SECONDS", 0)
    is_working_day(date(2027, 3, 3))
    # Another process changes the calendar: a row appears and the token changes.
    CalendarDayFactory(date=date(2027, 3, 3))  # a manual holiday
    assert is_working_day(date(2027, 3, 3))  # still cached here
    cache.set(calendar._VERSION_KEY, "changed-elsewhere", timeout=None)
    assert not is_working_day(date(2027, 3, 3))


def test_a_rolled_back_write_leaves_no_trace_in_the_cache(office_admin):
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
        assert not is_working_day(date(2027, 3, 3))  # the writer sees its own change
        raise RuntimeError("roll back")
    assert is_working_day(date(2027, 3, 3))


def test_the_on_commit_bump_runs(office_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
    assert callbacks
    assert add_working_days(date(2027, 3, 2), 1) == date(2027, 3, 4)


def test_an_unreachable_shared_cache_falls_back_to_the_database(
    monkeypatch, django_assert_num_queries
):
    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(calendar.cache, "get", broken)
    with django_assert_num_queries(2):
        assert not working_calendar().is_working_day(date(2025, 10, 8))
