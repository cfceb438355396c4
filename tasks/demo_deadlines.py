"""Demo city: the tasks' working-day deadlines (joint-review answers, drawn-list publication),
synchronised from the demo tasks and swept once, as the daily jobs would. Idempotent."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def build(stdout=None, **options) -> None:
    from publication.deadlines.services import deadline_sweep
    from tasks.services.deadlines import drawn_list_deadlines_sync, review_deadlines_sync

    reviews = review_deadlines_sync()
    drawn = drawn_list_deadlines_sync()
    report = deadline_sweep()
    if stdout is not None:
        stdout.write(
            f"期限：会审答复 新开 {reviews['opened']} 项、关闭 {reviews['closed']} 项；"
            f"抽查名单公示 {drawn} 项；提醒 {report.notified_deadlines} 项"
        )
