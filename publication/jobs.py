"""Celery entry points of the publication app (schedules live in platform_site/celery.py)."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from publication.calendar import shanghai_today, year_status

logger = logging.getLogger(__name__)

# The State Council publishes next year's holiday schedule in November or December; from
# 1 December on, a missing schedule for next year is worth a warning.
WARN_FROM_MONTH_DAY = (12, 1)


@shared_task
def calendar_coverage_job() -> dict:
    """Daily: is next year's official holiday schedule loaded?

    Read-only and therefore idempotent: it writes nothing. The office dashboard shows the warning
    itself (from `calendar_coverage`); this job only logs it and returns the status, kept in the
    result backend.
    """
    today = shanghai_today()
    coverage = year_status(today.year + 1)
    overdue = not coverage.has_official_data and today >= date(today.year, *WARN_FROM_MONTH_DAY)
    if overdue:
        logger.warning(
            "working calendar: no official holiday schedule for %s yet; deadlines in %s are "
            "computed weekends-only. Import the State Council notice on the calendar page.",
            coverage.year,
            coverage.year,
        )
    return {
        "checked_on": today.isoformat(),
        "year": coverage.year,
        "status": coverage.status,
        "has_official_data": coverage.has_official_data,
        "missing_after_deadline": overdue,
    }


@shared_task
def deadlines_calendar_sync_job() -> int | None:
    """After a calendar write: rebuild the working-day index and recompute open deadlines.
    Idempotent: a second run finds the index current and does nothing."""
    from publication.deadlines.services import deadlines_calendar_sync

    return deadlines_calendar_sync(only_if_built=True)


@shared_task
def deadline_sweep_job() -> dict:
    """Hourly in office hours: deadline states, yellow and red cards, escalation. Idempotent
    (twice = notified once) and catching up after downtime (states follow today's date)."""
    from publication.deadlines.services import deadline_sweep

    return deadline_sweep().as_dict()
