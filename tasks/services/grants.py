"""Per-object read grants on tasks (django-guardian), beyond what roles give.

An auditor (role ``auditor``) is granted the tasks of one year by the office: each task whose
inspection starts in that year gets the ``tasks.view_task`` object permission for that account.
The grant covers the tasks that exist when it is made; granting the same year again (idempotent)
extends it to tasks created since. Access goes through ``tasks.permissions`` as always.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import record_event
from accounts.models import User
from accounts.roles import is_auditor, require_office_admin
from tasks.models import Task
from tasks.permissions import VIEW_TASK


def _year_tasks(year: int) -> QuerySet[Task]:
    return Task.objects.filter(start_date__year=year).order_by("pk")


@transaction.atomic
def task_grant_auditor_year(*, auditor: User, year: int, granted_by: User) -> int:
    """Let ``auditor`` read every task of ``year``; returns how many tasks the grant covers."""
    require_office_admin(granted_by)
    if not is_auditor(auditor):
        raise ValidationError(_("只能向有效的审计人员账户授权。"))
    tasks = list(_year_tasks(year))
    if tasks:
        # guardian types `obj` as one model, but a queryset assigns in bulk (its documented use).
        year_tasks = Task.objects.filter(pk__in=[task.pk for task in tasks])
        assign_perm(VIEW_TASK, auditor, year_tasks)  # type: ignore[arg-type]
    record_event(
        actor=granted_by,
        action="task.grant_auditor_year",
        target=auditor,
        details={"year": year, "tasks": len(tasks)},
    )
    return len(tasks)


@transaction.atomic
def task_revoke_auditor_year(*, auditor: User, year: int, revoked_by: User) -> int:
    require_office_admin(revoked_by)
    tasks = _year_tasks(year)
    count = tasks.count()
    if count:
        remove_perm(VIEW_TASK, auditor, tasks)
    record_event(
        actor=revoked_by,
        action="task.revoke_auditor_year",
        target=auditor,
        details={"year": year, "tasks": count},
    )
    return count
