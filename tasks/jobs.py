"""Celery entry points of the tasks app (schedules live in platform_site/celery.py).

`draw_run_job` runs with acks_late (settings): a worker killed mid-draw leaves the transaction
uncommitted, so nothing is saved, and the redelivered (or re-queued) job draws exactly once,
because `draw_execute` re-reads the draw under a row lock and does nothing unless it is still
claimed. Only an unreachable database is retried here; every other error ends the draw with a
`draw_failed` entry inside the job body.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=5,
    retry_backoff=5,
    retry_backoff_max=120,
)
def draw_run_job(draw_id: int) -> dict:
    from tasks.services.execution import draw_execute

    draw = draw_execute(draw_id=draw_id)
    return {"draw": draw.pk, "state": draw.state, "seed": draw.seed}


@shared_task
def draws_requeue_stuck_job() -> list[int]:
    """Every few minutes: draws left "drawing" by a lost worker or a failed enqueue go again."""
    from tasks.services.execution import draws_requeue_stuck

    return draws_requeue_stuck()


@shared_task
def draws_verify_job() -> dict:
    """Nightly: every completed draw's log, files, result and operational rows, re-computed."""
    from accounts.nightly import nightly_check_record
    from tasks.integrity import draws_verify

    reports = draws_verify(recompute=True)
    problems = {report.label: report.problems for report in reports if report.problems}
    nightly_check_record(
        name="draws",
        title=_("抽取"),
        ok=not problems,
        detail=(
            "; ".join(f"{label}: {', '.join(map(str, found))}" for label, found in problems.items())
            if problems
            else _("已核验 %(count)d 次抽取。") % {"count": len(reports)}
        ),
        url="/status/",
    )
    return {"checked": len(reports), "problems": problems}


@shared_task(acks_late=True)
def verification_request_job(request_id: int) -> str:
    from tasks.verification import verification_request_run

    return verification_request_run(request_id=request_id)


@shared_task
def verification_requests_cleanup_job() -> int:
    from tasks.verification import verification_requests_delete_old

    return verification_requests_delete_old()


@shared_task
def review_reminders_job() -> dict:
    from tasks.services.reminders import review_reminders_run

    return review_reminders_run()
