"""Who may see and do what in the inspection work. One access function per object type; "missing"
and "not yours" give the same 404.

Seeing
- an inspection (object, group, date, states, due dates): everyone who sees the task;
- a department's record (answers, opinions, commissioned checks) before the result is published:
  that department and the task's lead department (whose leader compiles and whose reviewer
  reviews); the compiled result: the lead department and the departments recording in the
  inspection. After publication both are visible to everyone who sees the task. Only accounts
  that do the work (inspector, staff, liaison, department admin) see content; a witness or the
  office sees states and dates until publication;
- attachments: never public and never widened by publication: the record's (or measure's)
  department, the notified department for a measure, and the lead department.

Doing ("谁检查、谁录入、谁公开", seed 004)
- a department's record is entered only by that department's members of the group (inspector
  accounts linked to their registry record);
- the group leader sets dates, compiles and submits the result;
- the lead department's staff review it (never a member of the group, never the submitter) and
  publish it; the leader may publish too;
- a follow-up measure is handled by its department (staff or its group members); a notification
  (抄告) is acknowledged by the notified department's staff.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.choices import Role
from accounts.models import User
from accounts.roles import has_working_role as is_working_member
from accounts.types import RequestUser
from tasks.choices import DrawState
from tasks.inspections.choices import ResultStatus
from tasks.inspections.models import (
    Attachment,
    CombinedVisit,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
)
from tasks.models import GroupMember, Task
from tasks.permissions import can_manage_task, can_view_task, tasks_visible_to

CONTENT_ROLES = frozenset({Role.INSPECTOR, Role.STAFF, Role.LIAISON, Role.DEPARTMENT_ADMIN})


def _active(user: RequestUser | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def does_the_work(user: RequestUser | None) -> TypeGuard[User]:
    """An account that inspects or runs inspections (not a witness-only or office account)."""
    return (
        _active(user)
        and user.department is not None
        and not user.department.is_office
        and bool(CONTENT_ROLES & set(user.roles))
    )


# --- group membership ----------------------------------------------------------------------------


def memberships(user: RequestUser, inspection: Inspection) -> list[GroupMember]:
    """The user's current places in the inspection's group (through their inspector record)."""
    if not _active(user):
        return []
    cache: dict[tuple[int, str], list[GroupMember]] = user.__dict__.setdefault(
        "_group_membership_cache", {}
    )
    key = (inspection.drawn_object_id, inspection.group_id)
    if key not in cache:
        cache[key] = list(
            GroupMember.objects.filter(
                draw_id=inspection.drawn_object.draw_id,
                group_id=inspection.group_id,
                replaced_by__isnull=True,
                inspector__user=user,
            )
        )
    return cache[key]


def is_group_member(user: RequestUser, inspection: Inspection) -> bool:
    return bool(memberships(user, inspection))


def is_group_leader(user: RequestUser, inspection: Inspection) -> bool:
    return any(member.is_leader for member in memberships(user, inspection))


def member_of_group_for(user: RequestUser, inspection: Inspection, department_code: str) -> bool:
    return any(
        member.department_code == department_code for member in memberships(user, inspection)
    )


# --- predicates ----------------------------------------------------------------------------------


def can_view_inspection(user: RequestUser, inspection: Inspection) -> bool:
    return can_view_task(user, inspection.task)


def is_published(result: InspectionResult | None) -> bool:
    return result is not None and result.published_version_id is not None


def _record_departments(inspection: Inspection) -> set[int]:
    cache = inspection.__dict__.setdefault("_record_departments", None)
    if cache is None:
        cache = set(inspection.records.values_list("department_id", flat=True))
        inspection.__dict__["_record_departments"] = cache
    return cache


def can_view_result_content(user: RequestUser, inspection: Inspection) -> bool:
    if not can_view_inspection(user, inspection):
        return False
    if is_published(getattr(inspection, "result", None)):
        return True
    if not does_the_work(user):
        return False
    return user.department_id == inspection.task.lead_department_id or (
        user.department_id in _record_departments(inspection)
    )


def can_view_record_content(user: RequestUser, record: MatterRecord) -> bool:
    inspection = record.inspection
    if not can_view_inspection(user, inspection):
        return False
    if is_published(getattr(inspection, "result", None)):
        return True
    return does_the_work(user) and user.department_id in (
        record.department_id,
        inspection.task.lead_department_id,
    )


def can_enter_record(user: RequestUser, record: MatterRecord) -> bool:
    """Only the record's department's own members of the group enter it."""
    return (
        _active(user)
        and user.department_id == record.department_id
        and member_of_group_for(user, record.inspection, record.department.code)
    )


def can_arrange_inspection(user: RequestUser, inspection: Inspection) -> bool:
    """Dates and combined visits: the group leader or the lead department's staff."""
    return is_group_leader(user, inspection) or can_manage_task(user, inspection.task)


def can_review_result(user: RequestUser, result: InspectionResult) -> bool:
    """The lead department's staff, never a member of the group nor the person who submitted."""
    inspection = result.inspection
    return (
        can_manage_task(user, inspection.task)
        and not is_group_member(user, inspection)
        and user.pk != result.submitted_by_id
    )


def can_publish_result(user: RequestUser, result: InspectionResult) -> bool:
    inspection = result.inspection
    return can_manage_task(user, inspection.task) or is_group_leader(user, inspection)


def can_add_measure(user: RequestUser, result: InspectionResult, department_id: int) -> bool:
    """The leader (for any department of the inspection), a group member for their own
    department, or, once the result is approved, that department's staff."""
    inspection = result.inspection
    if is_group_leader(user, inspection):
        return True
    if not _active(user) or user.department_id != department_id:
        return False
    assert user.department is not None  # its id is department_id
    if member_of_group_for(user, inspection, user.department.code):
        return True
    return is_working_member(user) and result.status in (
        ResultStatus.APPROVED,
        ResultStatus.PUBLISHED,
    )


def can_view_measure(user: RequestUser, measure: FollowUpMeasure) -> bool:
    task = measure.result.inspection.task
    if not does_the_work(user):
        return False
    return user.department_id in (
        measure.department_id,
        measure.notified_department_id,
        task.lead_department_id,
    )


def can_handle_measure(user: RequestUser, measure: FollowUpMeasure) -> bool:
    """Its department's staff, or its department's members of the group."""
    if not _active(user) or user.department_id != measure.department_id:
        return False
    assert user.department is not None  # its id is the measure's department
    return is_working_member(user) or member_of_group_for(
        user, measure.result.inspection, user.department.code
    )


def can_acknowledge_measure(user: RequestUser, measure: FollowUpMeasure) -> bool:
    return is_working_member(user) and user.department_id == measure.notified_department_id


def can_view_attachment(user: RequestUser, attachment: Attachment) -> bool:
    if not does_the_work(user):
        return False
    allowed: set[int | None]
    if attachment.record_id is not None:
        record = attachment.record
        assert record is not None  # its record_id is set
        task = record.inspection.task
        allowed = {record.department_id, task.lead_department_id}
    else:
        measure = attachment.measure
        assert measure is not None  # attachment_belongs_to_record_or_measure
        task = measure.result.inspection.task
        allowed = {measure.department_id, measure.notified_department_id, task.lead_department_id}
    return user.department_id in allowed and can_view_task(user, task)


# --- access functions ----------------------------------------------------------------------------

_INSPECTION_RELATED = (
    "task",
    "task__lead_department",
    "inspection_object",
    "drawn_object",
    "drawn_object__draw",
    "result",
)


def access_inspection_for_user(user: RequestUser, inspection_id: Any) -> Inspection:
    inspection = (
        Inspection.objects.select_related(*_INSPECTION_RELATED).filter(pk=inspection_id).first()
    )
    if inspection is None or not can_view_inspection(user, inspection):
        raise Http404
    return inspection


def access_record_for_user(
    user: RequestUser, record_id: Any, *, enter: bool = False
) -> MatterRecord:
    record = (
        MatterRecord.objects.select_related(
            "department", "matter", *(f"inspection__{name}" for name in _INSPECTION_RELATED)
        )
        .filter(pk=record_id)
        .first()
    )
    if record is None or not can_view_record_content(user, record):
        raise Http404
    if enter and not can_enter_record(user, record):
        raise Http404
    return record


def access_result_for_user(user: RequestUser, result_id: Any) -> InspectionResult:
    result = (
        InspectionResult.objects.select_related(
            *(f"inspection__{name}" for name in _INSPECTION_RELATED if name != "result")
        )
        .filter(pk=result_id)
        .first()
    )
    if result is None:
        raise Http404
    result.inspection.result = result
    if not can_view_result_content(user, result.inspection):
        raise Http404
    return result


def access_measure_for_user(user: RequestUser, measure_id: Any) -> FollowUpMeasure:
    measure = (
        FollowUpMeasure.objects.select_related(
            "department",
            "notified_department",
            "result",
            "result__inspection",
            "result__inspection__task",
            "result__inspection__task__lead_department",
            "result__inspection__inspection_object",
        )
        .filter(pk=measure_id)
        .first()
    )
    if measure is None or not can_view_measure(user, measure):
        raise Http404
    return measure


def access_attachment_for_user(user: RequestUser, attachment_id: Any) -> Attachment:
    attachment = (
        Attachment.objects.select_related(
            "record",
            "record__inspection__task",
            "measure",
            "measure__result__inspection__task",
        )
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None or not can_view_attachment(user, attachment):
        raise Http404
    return attachment


def access_combined_visit_for_user(user: RequestUser, visit_id: Any) -> CombinedVisit:
    visit = CombinedVisit.objects.filter(pk=visit_id).first()
    if visit is None or not _active(user):
        raise Http404
    task_ids = visit.parts.values_list("inspection__task_id", flat=True)
    if not tasks_visible_to(user).filter(pk__in=task_ids).exists():
        raise Http404
    return visit


# --- querysets -----------------------------------------------------------------------------------


def inspections_visible_to(user: RequestUser) -> QuerySet[Inspection]:
    if not _active(user):
        return Inspection.objects.none()
    if user.is_office_admin:
        return Inspection.objects.all()
    return Inspection.objects.filter(task_id__in=tasks_visible_to(user).values("pk"))


def standing(queryset: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """Inspections of draws that stand (a voided draw's inspections are history)."""
    return queryset.filter(drawn_object__draw__state=DrawState.DRAWN)


def measures_visible_to(user: RequestUser) -> QuerySet[FollowUpMeasure]:
    if not does_the_work(user):
        return FollowUpMeasure.objects.none()
    department = user.department_id
    return FollowUpMeasure.objects.filter(
        Q(department_id=department)
        | Q(notified_department_id=department)
        | Q(result__inspection__task__lead_department_id=department)
    )


def tasks_led_by(user: RequestUser) -> QuerySet[Task]:
    if not is_working_member(user):
        return Task.objects.none()
    return Task.objects.filter(lead_department_id=user.department_id)
