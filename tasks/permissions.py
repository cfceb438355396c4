"""Who may see and do what with joint tasks and their draws. One access function per object type;
"missing" and "not yours" give the same 404.

- the lead department's staff manage their tasks (create, push to review, reveal, request voids);
- participating departments see the tasks they take part in and confirm or return them;
- the office sees every task, approves ad-hoc tasks (and tasks that deviate from their plan
  item), withdrawals after a witness entry and voids;
- an auditor sees, read-only, the tasks they were granted one by one (guardian ``tasks.view_task``
  object permission; ``tasks.services.grants.task_grant_auditor_year`` grants a year's tasks);
- the full bundle (every frozen file as committed) is for office admins and auditors; everyone
  else, citizens included, gets the public bundle (draw-protocol.md §8.3);
- a single-department task's second witness is named before the announcement: a witness account
  of the lead department (only the office creates and manages those, accounts.roles) or someone
  the office designated for that task (guardian permission ``tasks.witness_task``);
- citizens see a task's announcement and drawn list only on the public pages;
- the draw secret is never shown before the reveal, to anyone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from accounts.roles import (
    RolePermission,
    has_working_role,
    is_auditor,
    is_department_worker,
    is_office_admin,
    is_witness,
)
from accounts.roles import is_signed_in as _active
from accounts.types import RequestUser
from tasks.models import Draw, DrawnObject, DrawReview, Task

VIEW_TASK = "tasks.view_task"


def can_create_task(user: RequestUser) -> bool:
    return is_department_worker(user)


CanCreateTask = RolePermission.of(can_create_task)


def can_manage_task(user: RequestUser, task: Task) -> bool:
    """The lead department's staff, liaison and admins."""
    return has_working_role(user) and user.department_id == task.lead_department_id


def takes_part(user: RequestUser, task: Task) -> bool:
    return _active(user) and (
        user.department_id == task.lead_department_id
        or (
            user.department_id is not None
            and task.participating_departments.filter(pk=user.department_id).exists()
        )
    )


def can_view_task(user: RequestUser, task: Task) -> bool:
    if not _active(user):
        return False
    if is_office_admin(user):
        return True
    if takes_part(user, task):
        return True
    return is_auditor(user) and user.has_perm(VIEW_TASK, task)


def can_download_full_bundle(user: RequestUser) -> bool:
    """The full bundle lists every conflict of interest of the candidate pool: office admins and
    auditors (of the tasks they may see: the access function checks the task first)."""
    return is_office_admin(user) or is_auditor(user)


def can_read_replacement_reason(user: RequestUser, task: Task) -> bool:
    """A replacement's free-text reason (often medical) stays with the office, auditors and the
    department that wrote it."""
    return can_download_full_bundle(user) or can_manage_task(user, task)


def tasks_visible_to(user: RequestUser) -> QuerySet[Task]:
    if not _active(user):
        return Task.objects.none()
    if is_office_admin(user):
        return Task.objects.all()
    visible = Q(lead_department_id=user.department_id) | Q(
        participating_departments=user.department_id
    )
    if is_auditor(user):
        granted = get_objects_for_user(user, VIEW_TASK, klass=Task, accept_global_perms=False)
        visible |= Q(pk__in=granted.values("pk"))
    return Task.objects.filter(visible).distinct()


def access_task_for_user(user: RequestUser, task_id: Any, *, manage: bool = False) -> Task:
    task = Task.objects.select_related("lead_department", "plan_item").filter(pk=task_id).first()
    if task is None or not can_view_task(user, task):
        raise Http404
    if manage and not can_manage_task(user, task):
        raise Http404
    return task


def access_draw_for_user(user: RequestUser, draw_id: Any) -> Draw:
    draw = Draw.objects.select_related("task", "task__lead_department").filter(pk=draw_id).first()
    if draw is None or not can_view_task(user, draw.task):
        raise Http404
    return draw


def access_review_for_user(user: RequestUser, review_id: Any) -> DrawReview:
    """A draw's joint-review row: visible to whoever may see the task (who may confirm or return
    it is the service's check: ``can_review_as_department`` / ``can_be_second_witness``)."""
    review = (
        DrawReview.objects.select_related("draw", "draw__task", "department")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not can_view_task(user, review.draw.task):
        raise Http404
    return review


def can_review_as_department(user: RequestUser, department_id: int) -> bool:
    return has_working_role(user) and user.department_id == department_id


def is_eligible_second_witness(user: RequestUser, task: Task) -> bool:
    """Who may be named as a single-department task's second witness: an active witness account
    (discipline inspection) of the lead department, or a person the office designated for this
    task (e.g. the department head). Department admins cannot make either: only the office
    creates witness accounts and grants the designation."""
    if not _active(user) or user.is_superuser:
        return False
    if is_witness(user) and user.department_id == task.lead_department_id:
        return True
    return task.pk is not None and ObjectPermissionChecker(user).has_perm("witness_task", task)


def can_be_second_witness(user: RequestUser, task: Task, announced_by_id: int | None) -> bool:
    """The person named before the announcement, still eligible, and not the one who announced."""
    if task.second_witness_id is None or user is None or user.pk != task.second_witness_id:
        return False
    if announced_by_id is not None and user.pk == announced_by_id:
        return False
    return is_eligible_second_witness(user, task)


# --- printable forms (inspection notice, on-site record, rectification notice) -------------------


def can_print_task_forms(user: RequestUser, task: Task) -> bool:
    """The working staff (staff, liaison, department admin) of the lead and participating
    departments, and the office; a drawn inspector prints only their own group's forms
    (`access_drawn_object_for_user`)."""
    if not _active(user):
        return False
    if is_office_admin(user):
        return True
    return is_department_worker(user) and takes_part(user, task)


def member_groups(user: RequestUser, draw: Draw) -> set[str]:
    """The groups of `draw` in which the user (through their inspector record) stands now."""
    if not _active(user):
        return set()
    from tasks.models import GroupMember

    return set(
        GroupMember.objects.filter(
            draw=draw, replaced_by__isnull=True, inspector__user_id=user.pk
        ).values_list("group_id", flat=True)
    )


def access_task_forms_for_user(user: RequestUser, task_id: Any) -> tuple[Task, Draw]:
    """A task's forms as a whole (all its notices in one PDF): its working departments and the
    office, once the task has a standing draw."""
    from tasks.selectors import standing_draw

    task = Task.objects.select_related("lead_department").filter(pk=task_id).first()
    if task is None or not can_print_task_forms(user, task):
        raise Http404
    draw = standing_draw(task)
    if draw is None:
        raise Http404
    return task, draw


def access_drawn_object_for_user(user: RequestUser, drawn_object_id: Any) -> DrawnObject:
    """One drawn object's forms: the task's working departments and the office, or an inspector
    of the group the object was dealt to; only while its draw stands."""
    from tasks.choices import DrawKind, DrawState

    drawn = (
        DrawnObject.objects.select_related(
            "draw", "draw__task", "draw__task__lead_department", "inspection_object"
        )
        .filter(pk=drawn_object_id)
        .first()
    )
    if drawn is None or drawn.draw.kind != DrawKind.DRAW or drawn.draw.state != DrawState.DRAWN:
        raise Http404
    if can_print_task_forms(user, drawn.draw.task):
        return drawn
    if drawn.group_id in member_groups(user, drawn.draw):
        return drawn
    raise Http404
