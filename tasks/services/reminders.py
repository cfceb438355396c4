"""Reminding departments that have not answered a joint review, and escalating to the office
after TaskPolicy.escalate_after_working_days working days (official calendar, 调休 included).

Both go through the one inbox (in-app and e-mail): the reminder to the department's liaison as a
yellow card, the escalation to the office and the department's admins as a red one."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import NotificationSeverity
from accounts.inbox.services import notification_send
from publication.calendar import working_days_between
from tasks.choices import DrawState, ReviewStatus
from tasks.models import DrawReview, TaskPolicy


def review_reminders_run(*, today: date | None = None) -> dict[str, int]:
    """Remind each pending review once per `remind_every_working_days`, escalate once. Each review
    is handled under a row lock, so overlapping runs never remind twice."""
    today = today or timezone.localdate()
    policy = TaskPolicy.current()
    reminded = escalated = 0
    pending = DrawReview.objects.filter(
        status=ReviewStatus.PENDING, draw__state=DrawState.ANNOUNCED
    ).values_list("pk", flat=True)
    for review_id in list(pending):
        with transaction.atomic():
            review = (
                DrawReview.objects.select_for_update()
                .select_related("draw", "draw__task", "department")
                .get(pk=review_id)
            )
            if review.status != ReviewStatus.PENDING or review.draw.state != DrawState.ANNOUNCED:
                continue
            task = review.draw.task
            waited = working_days_between(timezone.localdate(review.draw.announced_at), today)
            url = reverse("tasks:task_detail", args=[task.pk])
            if waited >= policy.escalate_after_working_days and review.escalated_at is None:
                notification_send(
                    kind="tasks.review_escalate",
                    severity=NotificationSeverity.RED,
                    office=True,
                    admins_of=[review.department],
                    department=review.department,
                    dedupe_key=f"tasks.review_escalate:{review.pk}",
                    title=_("会审逾期：%(code)s") % {"code": task.code},
                    body=_("%(dept)s 已 %(n)s 个工作日未答复任务“%(title)s”的会审。")
                    % {"dept": review.department.display_name, "n": waited, "title": task.title},
                    url=url,
                )
                review.escalated_at = timezone.now()
                review.save(update_fields=["escalated_at"])
                record_event(
                    actor=None,
                    action="draw.review_escalate",
                    target=task,
                    details={"department": review.department.code, "working_days": waited},
                )
                escalated += 1
            elif waited >= 1 and (
                review.last_reminded_at is None
                or working_days_between(timezone.localdate(review.last_reminded_at), today)
                >= policy.remind_every_working_days
            ):
                notification_send(
                    kind="tasks.review_remind",
                    severity=NotificationSeverity.YELLOW,
                    liaison_of=[review.department],
                    department=review.department,
                    dedupe_key=f"tasks.review_remind:{review.pk}:{today.isoformat()}",
                    title=_("请会审抽查任务：%(code)s") % {"code": task.code},
                    body=_("任务“%(title)s”等待贵部门确认或退回（已 %(n)s 个工作日）。")
                    % {"title": task.title, "n": waited},
                    url=url,
                )
                review.reminder_count += 1
                review.last_reminded_at = timezone.now()
                review.save(update_fields=["reminder_count", "last_reminded_at"])
                record_event(
                    actor=None,
                    action="draw.review_remind",
                    target=task,
                    details={"department": review.department.code, "working_days": waited},
                )
                reminded += 1
    return {"reminded": reminded, "escalated": escalated}
