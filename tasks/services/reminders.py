"""Reminding departments that have not answered a joint review, and escalating when the answer is
overdue, through the working-day deadlines and the one inbox.

Each pending review has a `joint_review` deadline (tasks.services.deadlines) whose rule the office
sets on the deadline rules page (default: 3 working days, yellow from the first working day,
reminded every working day). The sweep of that kind sends the yellow reminders to the reviewing
department's liaison and, once overdue, the red card and the escalation to its admins and the
office; this module then feeds the review's counters (reminder_count, last_reminded_at,
escalated_at) and audits each escalation. Idempotent: a second run the same day notifies nobody.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from accounts.audit import record_event
from publication.calendar import shanghai_today
from publication.deadlines.services import deadline_sweep
from publication.models import Deadline, DeadlineKind
from tasks.models import DrawReview
from tasks.services.deadlines import drawn_list_deadlines_sync, review_deadlines_sync


@transaction.atomic
def review_reminders_run(*, today: date | None = None) -> dict[str, int]:
    today = today or shanghai_today()
    review_deadlines_sync()
    drawn_list_deadlines_sync()
    report = deadline_sweep(today=today, kinds=[DeadlineKind.JOINT_REVIEW])
    escalated = _feed_review_counters(today)
    from tasks.inspections.services.deadlines import result_due_dates_sync

    result_due_dates_sync()  # results' due dates after a calendar change recomputed deadlines
    return {"reminded": report.notified_deadlines, "escalated": escalated}


def _feed_review_counters(today: date) -> int:
    """Copy the deadlines' reminder counts onto the reviews (shown on the task page); audit each
    review escalated for the first time."""
    deadlines = Deadline.objects.filter(
        kind=DeadlineKind.JOINT_REVIEW,
        subject_type=ContentType.objects.get_for_model(DrawReview),
        reminder_count__gt=0,
    ).values("subject_id", "reminder_count", "last_notified_on", "escalated_at")
    by_review = {row["subject_id"]: row for row in deadlines}
    escalated = 0
    reviews = (
        DrawReview.objects.select_for_update()
        .filter(pk__in=by_review)
        .select_related("draw__task", "department")
        .order_by("pk")
    )
    for review in reviews:
        row = by_review[review.pk]
        last = row["last_notified_on"]
        reminded_at = timezone.make_aware(datetime.combine(last, time(9))) if last else None
        changed = []
        if review.reminder_count != row["reminder_count"]:
            review.reminder_count = min(row["reminder_count"], 32767)
            review.last_reminded_at = reminded_at
            changed += ["reminder_count", "last_reminded_at"]
        if row["escalated_at"] and review.escalated_at is None:
            review.escalated_at = row["escalated_at"]
            changed.append("escalated_at")
            record_event(
                actor=None,
                action="draw.review_escalate",
                target=review.draw.task,
                details={"department": review.department.code, "today": today},
            )
            escalated += 1
        if changed:
            review.save(update_fields=changed)
    return escalated
