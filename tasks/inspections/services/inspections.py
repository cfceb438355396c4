"""Opening a task's inspections when the groups set off, and the leader's dates.

Which department records which matter: the task's departments that implement the matter (实施主体)
and have a member in the group; else its participating departments (配合部门) that do; else the
lead department, which also takes the common matters no task department implements (003 I).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from catalog.models import CheckPoint, Matter
from tasks.choices import DrawKind, DrawState, TaskStatus
from tasks.inspections.choices import EDITABLE_RESULT_STATUSES, RecordStatus
from tasks.inspections.models import (
    Inspection,
    InspectionResult,
    MatterRecord,
    RecordAnswer,
)
from tasks.inspections.permissions import can_arrange_inspection
from tasks.inspections.services.deadlines import result_deadline_follow, result_deadlines_open
from tasks.models import Draw, GroupMember, Task


def _standing_draw(task: Task) -> Draw | None:
    return task.draws.filter(kind=DrawKind.DRAW, state=DrawState.DRAWN).first()


def matter_assignments(task: Task, group_departments: set[str]) -> list[tuple[Matter, Department]]:
    """(matter, recording department) pairs for a group whose members come from
    `group_departments` (department codes)."""
    departments = [task.lead_department, *task.participating_departments.order_by("code")]
    present = [d for d in departments if d.code in group_departments] or [task.lead_department]
    pairs: list[tuple[Matter, Department]] = []
    matters = task.matters.prefetch_related(
        "implementing_departments", "participating_departments"
    ).order_by("code")
    for matter in matters:
        implementing = {d.pk for d in matter.implementing_departments.all()}
        helping = {d.pk for d in matter.participating_departments.all()}
        chosen = [d for d in present if d.pk in implementing] or [
            d for d in present if d.pk in helping
        ]
        for department in chosen or [task.lead_department]:
            pairs.append((matter, department))
    return pairs


def _insert_records(rows: Iterable[tuple[int, int, int, int]]) -> list[int]:
    """Insert (inspection, matter, revision, department) records in one statement; their ids."""
    columns: list[Sequence[int]] = list(zip(*rows, strict=True)) or [[], [], [], []]
    table = MatterRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (inspection_id, matter_id, matter_revision, department_id, status, methods,
                 findings, opinion, object_opinion, object_representative, updated_at)
            SELECT i, m, r, d, %s, '{{}}', '', '', '', '', now()
            FROM unnest(%s::bigint[], %s::bigint[], %s::integer[], %s::bigint[]) AS t(i, m, r, d)
            RETURNING id
            """,
            [RecordStatus.DRAFT, *(list(column) for column in columns)],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy_check_points(record_ids: list[int]) -> int:
    """Copy each record's matter's check points into its answers in one INSERT … SELECT (a task
    of 500 objects has some 25,000 answers; building them as Python objects took most of the
    time, see bench/inspections.py)."""
    if not record_ids:
        return 0
    answer = RecordAnswer._meta.db_table
    record = MatterRecord._meta.db_table
    point = CheckPoint._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {answer}
                (record_id, position, text, basis, method, allowed_answers, answer, note)
            SELECT r.id, p.position, p.text, p.basis, p.method, p.allowed_answers, '', ''
            FROM {record} r JOIN {point} p ON p.matter_id = r.matter_id
            WHERE r.id = ANY(%s)
            """,
            [record_ids],
        )
        return int(cursor.rowcount)


@transaction.atomic
def inspections_open(*, task: Task, opened_by: User | None) -> int:
    """Open one inspection (with its empty result and each department's records, their check
    points copied from the catalog) for every object of the task's standing draw that has none
    yet. Idempotent; returns how many were opened."""
    task = Task.objects.select_for_update().select_related("lead_department").get(pk=task.pk)
    if task.status not in (TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED):
        raise ValidationError(_("任务开始检查后才能安排检查。"))
    draw = _standing_draw(task)
    if draw is None:
        raise ValidationError(_("任务没有有效的抽取结果。"))
    drawn = list(draw.drawn_objects.filter(inspection__isnull=True).order_by("group_id", "code"))
    if not drawn:
        return 0
    group_departments: dict[str, set[str]] = defaultdict(set)
    for group_id, department_code in GroupMember.objects.filter(
        draw=draw, replaced_by__isnull=True
    ).values_list("group_id", "department_code"):
        group_departments[group_id].add(department_code)
    by_make_up: dict[frozenset[str], list[tuple[Matter, Department]]] = {}
    for codes in [set(), *group_departments.values()]:
        key = frozenset(codes)
        if key not in by_make_up:
            by_make_up[key] = matter_assignments(task, set(codes))
    assignments = {
        group_id: by_make_up[frozenset(codes)] for group_id, codes in group_departments.items()
    }
    fallback = by_make_up[frozenset()]
    inspections = Inspection.objects.bulk_create(
        Inspection(
            task=task,
            drawn_object=row,
            inspection_object_id=row.inspection_object_id,
            group_id=row.group_id,
        )
        for row in drawn
    )
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection) for inspection in inspections
    )
    records = _insert_records(
        (inspection.pk, matter.pk, matter.revision, department.pk)
        for inspection in inspections
        for matter, department in assignments.get(inspection.group_id, fallback)
    )
    answers = _copy_check_points(records)
    deadlines = result_deadlines_open(task=task, inspections=inspections, opened_by=opened_by)
    record_event(
        actor=opened_by,
        action="inspection.open",
        target=task,
        details={
            "inspections": len(inspections),
            "records": len(records),
            "answers": answers,
            "entry_deadlines": deadlines,
        },
    )
    return len(inspections)


def _lock(inspection: Inspection) -> Inspection:
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("task", "task__lead_department", "drawn_object", "result")
        .get(pk=inspection.pk)
    )


def _check_date_in_task(task: Task, day: date, field: str) -> None:
    if not task.start_date <= day <= task.end_date:
        raise ValidationError(
            {
                field: _("检查日期须在任务检查期间（%(start)s 至 %(end)s）内。")
                % {"start": task.start_date.isoformat(), "end": task.end_date.isoformat()}
            }
        )


@transaction.atomic
def inspection_schedule(
    *, inspection: Inspection, scheduled_on: date | None, scheduled_by: User
) -> Inspection:
    """The group leader (or the lead department) sets the day the group visits the object."""
    inspection = _lock(inspection)
    if not can_arrange_inspection(scheduled_by, inspection):
        raise PermissionDenied(_("只有检查组组长或牵头部门可以安排检查日期。"))
    if inspection.drawn_object.draw.state != DrawState.DRAWN:
        raise ValidationError(_("该抽取已作废，不能安排检查。"))
    if inspection.result.status not in EDITABLE_RESULT_STATUSES:
        raise ValidationError(_("检查结果已提交，不能再调整检查日期。"))
    if inspection.combined_visit_id is not None:
        raise ValidationError(_("该对象已与其他任务商定合并检查，调整日期须先撤回合并检查。"))
    if scheduled_on is not None:
        _check_date_in_task(inspection.task, scheduled_on, "scheduled_on")
    if scheduled_on == inspection.scheduled_on:
        return inspection
    previous = inspection.scheduled_on
    inspection.scheduled_on = scheduled_on
    inspection.scheduled_by = scheduled_by
    inspection.scheduled_at = timezone.now()
    inspection.save(update_fields=["scheduled_on", "scheduled_by", "scheduled_at"])
    record_event(
        actor=scheduled_by,
        action="inspection.schedule",
        target=inspection,
        details={"from": previous, "to": scheduled_on, "object": inspection.drawn_object.code},
    )
    result_deadline_follow(
        result=inspection.result, changed_by=scheduled_by, reason=_("检查日期调整")
    )
    return inspection


@transaction.atomic
def group_schedule(
    *, task: Task, group_id: str, dates: dict[int, date | None], scheduled_by: User
) -> int:
    """Set several of a group's dates at once (the leader's route); all or nothing."""
    inspections = {
        inspection.pk: inspection
        for inspection in Inspection.objects.filter(
            task=task, group_id=group_id, pk__in=list(dates)
        )
    }
    if len(inspections) != len(dates):
        raise ValidationError(_("检查不属于该检查组。"))
    changed = 0
    for inspection_id in sorted(dates):
        inspection = inspections[inspection_id]
        before = inspection.scheduled_on
        if before == dates[inspection_id]:
            continue
        inspection_schedule(
            inspection=inspection, scheduled_on=dates[inspection_id], scheduled_by=scheduled_by
        )
        changed += 1
    return changed
