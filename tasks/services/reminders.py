"""Reminding departments that have not answered a joint review, and escalating to the office
after TaskPolicy.escalate_after_working_days working days (official calendar, 调休 included)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import Role
from accounts.models import User
from publication.calendar import working_days_between
from tasks.choices import DrawState, ReviewStatus
from tasks.models import DrawReview, TaskPolicy


def _notify(users, *, title: str, body: str, url: str) -> int:
    from plans.models import Notification

    rows = [Notification(recipient=user, title=title, body=body, url=url) for user in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def _department_contacts(department_id: int):
    return User.objects.filter(department_id=department_id, is_active=True).filter(
        Q(roles__contains=[Role.LIAISON])
        | Q(roles__contains=[Role.DEPARTMENT_ADMIN])
        | Q(roles__contains=[Role.STAFF])
    )


def _office_admins():
    return User.objects.filter(
        is_active=True, roles__contains=[Role.OFFICE_ADMIN], department__kind="office"
    )


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
                _notify(
                    _office_admins(),
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
                _notify(
                    _department_contacts(review.department_id),
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
