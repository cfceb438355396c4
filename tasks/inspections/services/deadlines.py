"""The inspection work's working-day deadlines (publication.deadlines), kept in step with it.

* Result entry (检查结果录入, 000 art. 16: within 20 working days of finishing the inspection):
  every inspection has a `result_entry` deadline owned by the task's lead department, its group
  leader responsible, opened with the inspections. It counts from the day the inspection ended
  (`InspectionResult.completed_on`, entered by the leader); before that from the day the leader
  set for the visit (`Inspection.scheduled_on`), and before that from the task's end (the last
  day the inspection can end). Setting either date reschedules it. The approval closes it (met
  or late on the approval day): a result is entered when the lead department has accepted it
  and it is ready to publish, so a submission that is returned does not stop the clock. A
  correction of an approved result opens no new deadline. A voided draw cancels the deadlines
  of its inspections; a replacement draw that changes a group's leader hands the group's open
  deadlines to the new leader.
* Rectification (责令整改): a rectify measure opens a `rectification` deadline owned by the
  department that follows it up, due on the date of the rectification notice
  (`FollowUpMeasure.deadline_on`) or, without one, after the office's rule for rectifications
  (the measure then takes the deadline's date); closing the measure with its outcome closes it.
  No responsible person: the cards go to the department's liaison (a department-level matter).

`InspectionResult.due_on` mirrors the entry deadline's due date for lists and the API; it is
written with every open and reschedule and brought back in step after a calendar change by
`result_due_dates_sync` (the daily reminders job). The deadline is the authority.
"""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from publication.deadlines.selectors import deadline_for_subject
from publication.deadlines.services import (
    DeadlineSpec,
    deadline_cancel,
    deadline_close,
    deadline_open,
    deadline_open_many,
    deadline_reschedule,
    deadline_set_responsible,
)
from publication.models import Deadline, DeadlineKind
from tasks.choices import DrawState
from tasks.inspections.choices import MeasureKind
from tasks.inspections.models import FollowUpMeasure, Inspection, InspectionResult
from tasks.models import Draw, GroupMember, Task

RESULT_ENTRY = DeadlineKind.RESULT_ENTRY
RECTIFICATION = DeadlineKind.RECTIFICATION


def entry_start(inspection: Inspection, result: InspectionResult) -> date:
    """The day the result-entry deadline counts from: the inspection's end when entered, else
    the visit's day, else the task's last day."""
    return result.completed_on or inspection.scheduled_on or inspection.task.end_date


def _entry_title(inspection: Inspection) -> str:
    return _("检查结果录入：%(code)s %(group)s %(name)s") % {
        "code": inspection.task.code,
        "group": inspection.group_id,
        "name": inspection.inspection_object.name,
    }


def _leaders(draw_id: int) -> dict[str, list[int]]:
    leaders: dict[str, list[int]] = {}
    for group_id, user_id in GroupMember.objects.filter(
        draw_id=draw_id, is_leader=True, replaced_by__isnull=True, inspector__user__isnull=False
    ).values_list("group_id", "inspector__user_id"):
        leaders.setdefault(group_id, []).append(user_id)
    return leaders


def result_deadlines_open(
    *, task: Task, inspections: list[Inspection], opened_by: User | None
) -> int:
    """Open the entry deadline of each of these (new) inspections of `task` in a few statements
    and copy the due dates onto their results. Returns how many were opened."""
    if not inspections:
        return 0
    leaders = _leaders(inspections[0].drawn_object.draw_id)
    completed = dict(
        InspectionResult.objects.filter(
            inspection_id__in=[inspection.pk for inspection in inspections]
        ).values_list("inspection_id", "completed_on")
    )
    specs = [
        DeadlineSpec(
            subject_id=inspection.pk,
            department_id=task.lead_department_id,
            start_date=completed.get(inspection.pk) or inspection.scheduled_on or task.end_date,
            title=_entry_title(inspection),
            url=reverse("inspections:inspection_detail", args=[inspection.pk]),
            responsible_ids=tuple(leaders.get(inspection.group_id, ())),
        )
        for inspection in inspections
    ]
    opened = deadline_open_many(
        kind=RESULT_ENTRY, subject_model=Inspection, specs=specs, opened_by=opened_by
    )
    result_due_dates_sync(inspection_ids=[inspection.pk for inspection in inspections])
    return len(opened)


def result_deadlines_backfill(*, task: Task, opened_by: User | None = None) -> int:
    """Open the entry deadlines missing from a task's standing inspections whose result was never
    approved (inspections opened before the deadlines were wired). Idempotent."""
    subject_type = ContentType.objects.get_for_model(Inspection, for_concrete_model=False)
    had = Deadline.objects.filter(kind=RESULT_ENTRY, subject_type=subject_type).values("subject_id")
    inspections = list(
        Inspection.objects.filter(
            task=task,
            drawn_object__draw__state=DrawState.DRAWN,
            result__approved_version__isnull=True,
        )
        .exclude(pk__in=had)
        .select_related("task", "inspection_object", "drawn_object")
        .order_by("pk")
    )
    return result_deadlines_open(task=task, inspections=inspections, opened_by=opened_by)


def result_deadline_follow(
    *, result: InspectionResult, changed_by: User | None, reason: str
) -> Deadline | None:
    """After a date of the inspection changed: move the open entry deadline to count from the
    current start (opening it if it is missing) and mirror its due date. None once closed."""
    inspection = result.inspection
    start = entry_start(inspection, result)
    deadline = deadline_for_subject(RESULT_ENTRY, inspection)
    if deadline is not None and not deadline.is_open:
        return None
    if deadline is None:
        if result.approved_version_id is not None:  # a correction: entered long ago
            return None
        deadline = deadline_open(
            kind=RESULT_ENTRY,
            subject=inspection,
            department=inspection.task.lead_department,
            start_date=start,
            title=_entry_title(inspection),
            url=reverse("inspections:inspection_detail", args=[inspection.pk]),
            responsible=User.objects.filter(
                pk__in=_leaders(inspection.drawn_object.draw_id).get(inspection.group_id, [])
            ),
            opened_by=changed_by,
        )
    else:
        if deadline.start_date != start:
            deadline = deadline_reschedule(
                deadline=deadline, rescheduled_by=changed_by, reason=reason, start_date=start
            )
        if not deadline.responsible.exists():  # accounts linked to the group after the opening
            leaders = _leaders(inspection.drawn_object.draw_id).get(inspection.group_id, [])
            if leaders:
                deadline_set_responsible(
                    deadline=deadline,
                    responsible=User.objects.filter(pk__in=leaders),
                    set_by=changed_by,
                )
    if result.due_on != deadline.due_date:
        result.due_on = deadline.due_date
        InspectionResult.objects.filter(pk=result.pk).update(due_on=deadline.due_date)
    return deadline


def result_deadline_close(*, result: InspectionResult, closed_by: User) -> Deadline | None:
    """The result was approved: its entry is done today."""
    return deadline_close(
        kind=RESULT_ENTRY,
        subject=result.inspection,
        closed_by=closed_by,
        closed_on=timezone.localdate(),
        note=_("检查结果第 %(n)d 版审核通过") % {"n": result.version},
    )


def draw_deadlines_cancel(*, draw: Draw, cancelled_by: User | None) -> int:
    """A voided draw's inspections need no result any more: cancel their entry deadlines."""
    cancelled = 0
    for inspection in Inspection.objects.filter(drawn_object__draw=draw).order_by("pk"):
        if deadline_cancel(
            kind=RESULT_ENTRY,
            subject=inspection,
            reason=_("抽取已作废"),
            cancelled_by=cancelled_by,
        ):
            cancelled += 1
    return cancelled


def result_deadlines_follow_leader(*, draw: Draw, group_id: str, changed_by: User | None) -> int:
    """After a replacement draw changed a group: the open entry deadlines of the group's
    inspections name the group's current leader(s). Returns how many deadlines changed."""
    leaders = _leaders(draw.pk).get(group_id, [])
    subject_type = ContentType.objects.get_for_model(Inspection, for_concrete_model=False)
    inspection_ids = Inspection.objects.filter(drawn_object__draw=draw, group_id=group_id).values(
        "pk"
    )
    changed = 0
    for deadline in Deadline.objects.filter(
        kind=RESULT_ENTRY,
        subject_type=subject_type,
        subject_id__in=inspection_ids,
        closed_at__isnull=True,
    ).order_by("pk"):
        if sorted(deadline.responsible.values_list("pk", flat=True)) != sorted(leaders):
            deadline_set_responsible(
                deadline=deadline,
                responsible=User.objects.filter(pk__in=leaders),
                set_by=changed_by,
            )
            changed += 1
    return changed


def rectification_deadline_open(
    *, measure: FollowUpMeasure, opened_by: User, by_rule: bool = False
) -> Deadline | None:
    """A rectify measure: the deadline of its notice, owned by the following-up department.
    `by_rule`: the notice fixes no date, so the office's rule for rectifications counts from the
    inspection's end (or today) and the measure takes the deadline's due date."""
    if measure.kind != MeasureKind.RECTIFY or measure.deadline_on is None:
        return None
    result = measure.result
    start = min(result.completed_on or timezone.localdate(), measure.deadline_on)
    deadline = deadline_open(
        kind=RECTIFICATION,
        subject=measure,
        department=measure.department,
        start_date=start,
        due_date=None if by_rule else measure.deadline_on,
        title=_("责令整改：%(name)s（%(code)s）")
        % {
            "name": result.inspection.inspection_object.name,
            "code": result.inspection.task.code,
        },
        url=reverse("inspections:measure_detail", args=[measure.pk]),
        # the department follows a rectification up, not one person: cards go to its liaison
        opened_by=opened_by,
    )
    if measure.deadline_on != deadline.due_date:
        measure.deadline_on = deadline.due_date
        FollowUpMeasure.objects.filter(pk=measure.pk).update(deadline_on=deadline.due_date)
    return deadline


def rectification_deadline_close(*, measure: FollowUpMeasure, closed_by: User) -> Deadline | None:
    """The measure was closed with its outcome on `outcome_on`."""
    if measure.kind != MeasureKind.RECTIFY:
        return None
    return deadline_close(
        kind=RECTIFICATION,
        subject=measure,
        closed_by=closed_by,
        closed_on=measure.outcome_on,
        note=measure.outcome[:200],
    )


def result_due_dates_sync(*, inspection_ids: list[int] | None = None) -> int:
    """Copy the open entry deadlines' due dates onto their results (after a calendar change the
    deadlines are recomputed in SQL). One UPDATE; returns how many results changed."""
    subject_type = ContentType.objects.get_for_model(Inspection, for_concrete_model=False)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {InspectionResult._meta.db_table} r SET due_on = d.due_date
            FROM {Deadline._meta.db_table} d
            WHERE d.kind = %s AND d.subject_type_id = %s AND d.is_open
              AND d.subject_id = r.inspection_id
              AND r.due_on IS DISTINCT FROM d.due_date
              AND (%s::bigint[] IS NULL OR r.inspection_id = ANY(%s::bigint[]))
            """,
            [RESULT_ENTRY, subject_type.pk, inspection_ids, inspection_ids],
        )
        return int(cursor.rowcount)
