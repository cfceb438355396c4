"""Celery entry points of the tasks app (schedules live in platform_site/celery.py).

`draw_run_job` runs with acks_late (settings): a worker killed mid-draw leaves the transaction
uncommitted, so nothing is saved, and the redelivered job draws exactly once, because
`draw_execute` re-reads the draw under a row lock and does nothing unless it is still claimed.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=5, default_retry_delay=10)
def draw_run_job(draw_id: int) -> dict:
    from tasks.services.draws import draw_execute

    draw = draw_execute(draw_id=draw_id)
    return {"draw": draw.pk, "state": draw.state, "seed": draw.seed}


@shared_task
def review_reminders_job() -> dict:
    from tasks.services.reminders import review_reminders_run

    return review_reminders_run()
