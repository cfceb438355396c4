"""Deadlines follow the calendar: after a calendar write commits, a job rebuilds the working-day
index and recomputes the open due dates (publication.deadlines.services.deadlines_calendar_sync).
Every sweep and every new deadline runs the same sync first, so a lost job is caught up."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from publication.calendar.cache import calendar_rows_changed


@receiver(calendar_rows_changed)
def queue_deadline_recompute(sender, **kwargs) -> None:
    from publication.jobs import deadlines_calendar_sync_job

    def queue() -> None:
        try:
            deadlines_calendar_sync_job.delay()
        except Exception:
            import logging

            logging.getLogger(__name__).warning(
                "deadlines: could not queue the recompute job; the next sweep catches up",
                exc_info=True,
            )

    transaction.on_commit(queue)
