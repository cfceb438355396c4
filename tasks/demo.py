"""Demo tasks for the demo city: one in joint review (announced), one drawn, one in progress,
from the current year's approved plan (ad hoc, approved by the office, when the plan is empty).
Idempotent: tasks are keyed by their codes LJ-DEMO-0001…0003."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Department, User
from catalog.choices import MatterStatus
from catalog.models import Matter
from registries.models import Inspector
from tasks.models import Task

STATES = [("LJ-DEMO-0001", "in_review"), ("LJ-DEMO-0002", "drawn"), ("LJ-DEMO-0003", "in_progress")]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _staff(department: Department) -> User | None:
    return (
        User.objects.filter(department=department, is_active=True)
        .filter(Q(roles__contains=[Role.STAFF]) | Q(roles__contains=[Role.LIAISON]))
        .order_by("username")
        .first()
    )


def _staffed(department: Department) -> bool:
    return (
        _staff(department) is not None
        and Inspector.objects.filter(department=department).count() >= 2
    )


def _plan_items():
    from plans.choices import PlanItemStatus
    from plans.models import PlanItem

    year = timezone.localdate().year
    return list(
        PlanItem.objects.filter(plan_year__year=year, status=PlanItemStatus.APPROVED)
        .prefetch_related("participating_departments")
        .order_by("pk")
    )


def _create(code: str, index: int, item, stdout) -> Task | None:
    from tasks.services.tasks import task_approve, task_create, task_submit_for_approval

    today = timezone.localdate()
    start = today + timedelta(days=7 + 10 * index)
    end = start + timedelta(days=30)
    if item is not None and _staffed(item.department):
        lead = item.department
        participants = [d for d in item.participating_departments.all() if _staffed(d)]
        kwargs = {
            "plan_item": item,
            "participating_departments": participants,
            "title": "",
            "matters": [],
        }
    else:
        departments = [
            d
            for d in Department.objects.filter(kind="department", is_active=True).order_by("code")
            if _staffed(d)
        ]
        if len(departments) < 2:
            return None
        lead, participants = (
            departments[index % len(departments)],
            [departments[(index + 1) % len(departments)]],
        )
        matters = list(Matter.objects.filter(status=MatterStatus.ACTIVE, is_common=False)[:2])
        if not matters:
            return None
        kwargs = {
            "adhoc_reason": "演示：专项整治临时任务",
            "participating_departments": participants,
            "matters": matters,
            "title": f"演示联合抽查任务 {index + 1}",
            "strata": {
                "A": {"rate_bp": 300},
                "B": {"rate_bp": 500},
                "C": {"rate_bp": 1000},
                "D": {"rate_bp": 3000},
            },
        }
    composition = {lead.code: 1, **{d.code: 1 for d in participants}}
    if len(composition) == 1:
        composition[lead.code] = 2
    task = task_create(created_by=_staff(lead), code=code, start_date=start, end_date=end, groups=2,
                       group_composition=composition, **kwargs)  # fmt: skip
    if task.is_adhoc:
        office_admin = User.objects.filter(username="office_admin").first()
        task = task_submit_for_approval(task=task, submitted_by=_staff(lead))
        task = task_approve(task=task, approved_by=office_admin)
    return task


def _advance(task: Task, target: str, stdout) -> None:
    from tasks.services.draws import draw_execute, draw_reveal, review_confirm, task_push_to_review
    from tasks.services.tasks import task_start

    lead_staff = _staff(task.lead_department)
    draw = task_push_to_review(task=task, pushed_by=lead_staff)
    if target == "in_review":
        return
    for number, review in enumerate(draw.reviews.select_related("department"), start=1):
        if review.role == "second_person":
            confirmer = User.objects.filter(
                department=task.lead_department, roles__contains=[Role.DEPARTMENT_ADMIN]
            ).first()
        else:
            confirmer = _staff(review.department)
        review_confirm(
            review=review, confirmed_by=confirmer, witness=f"{number}{task.pk:04d}3{number}8"
        )
    draw_reveal(draw=draw, revealed_by=lead_staff)
    draw_execute(draw_id=draw.pk)  # the queued job finds it drawn and does nothing
    if target == "in_progress":
        task.refresh_from_db()
        task_start(task=task, started_by=lead_staff)


def build(stdout=None, **options) -> None:
    if not User.objects.filter(username="office_admin").exists():
        return
    items = _plan_items()
    for index, (code, target) in enumerate(STATES):
        if Task.objects.filter(code=code).exists():
            continue
        item = items[index] if index < len(items) else None
        try:
            task = _create(code, index, item, stdout)
            if task is None:
                _say(stdout, f"tasks: skipped {code} (no staffed departments or matters)")
                continue
            _advance(task, target, stdout)
        except ValidationError as error:
            _say(stdout, f"tasks: {code} stopped: {'; '.join(error.messages)}")
            continue
        _say(stdout, f"tasks: {code} → {target}")
