"""Reads for the inspection work, narrowed to the acting user."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.roles import has_working_role as is_working_member
from accounts.types import RequestUser
from registries.models import InspectionObject
from tasks.choices import DrawKind, DrawState, TaskStatus
from tasks.inspections.choices import (
    EDITABLE_RESULT_STATUSES,
    FINAL_RESULT_STATUSES,
    CombinedVisitStatus,
    MeasureStatus,
    ResultStatus,
)
from tasks.inspections.models import (
    CombinedVisit,
    CombinedVisitPart,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
)
from tasks.inspections.permissions import (
    can_view_result_content,
    does_the_work,
    inspections_visible_to,
    measures_visible_to,
    standing,
)
from tasks.models import DrawnObject, GroupMember, Task

if TYPE_CHECKING:
    from registries.models import Inspector
    from registries.objects.panels import ObjectPanel

WORKING_TASK_STATUSES = (TaskStatus.DRAWN, TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED)


def inspector_for_user(user: RequestUser) -> Inspector | None:
    """The registry record an account is linked to (Inspector.user), or None."""
    from registries.models import Inspector

    if user is None or not user.is_authenticated:
        return None
    return Inspector.objects.filter(user=user).select_related("department").first()


@dataclass
class GroupSummary:
    """One group an inspector belongs to, for their home page and the "我的检查组" card."""

    task: Task
    group_id: str
    is_leader: bool
    department_code: str
    objects: int = 0
    scheduled: int = 0
    final: int = 0
    next_date: date | None = None
    started: bool = False


def my_group_memberships(user: RequestUser) -> QuerySet[GroupMember]:
    """The user's current places in the groups of standing draws of live or completed tasks."""
    if user is None or not user.is_authenticated or not user.is_active:
        return GroupMember.objects.none()
    return GroupMember.objects.filter(
        inspector__user=user,
        replaced_by__isnull=True,
        draw__kind=DrawKind.DRAW,
        draw__state=DrawState.DRAWN,
        draw__task__status__in=WORKING_TASK_STATUSES,
    )


def groups_for_user(user: RequestUser, *, include_completed: bool = False) -> list[GroupSummary]:
    members = my_group_memberships(user).select_related("draw__task__lead_department")
    if not include_completed:
        members = members.exclude(draw__task__status=TaskStatus.COMPLETED)
    summaries = {
        (m.draw.task_id, m.group_id): GroupSummary(
            task=m.draw.task,
            group_id=m.group_id,
            is_leader=m.is_leader,
            department_code=m.department_code,
            started=m.draw.task.status != TaskStatus.DRAWN,
        )
        for m in members.order_by("draw__task__start_date", "draw__task_id", "group_id")
    }
    if not summaries:
        return []
    task_ids = {task_id for task_id, _group in summaries}
    today = timezone.localdate()
    for row in (
        Inspection.objects.filter(task_id__in=task_ids, drawn_object__draw__state=DrawState.DRAWN)
        .values("task_id", "group_id")
        .annotate(
            object_count=Count("id"),
            scheduled=Count("id", filter=Q(scheduled_on__isnull=False)),
            final=Count("id", filter=Q(result__status__in=FINAL_RESULT_STATUSES)),
            next_date=Min("scheduled_on", filter=Q(scheduled_on__gte=today)),
        )
    ):
        summary = summaries.get((row["task_id"], row["group_id"]))
        if summary is not None:
            summary.objects = row["object_count"]
            summary.scheduled = row["scheduled"]
            summary.final = row["final"]
            summary.next_date = row["next_date"]
    unstarted = [s for s in summaries.values() if not s.started]
    if unstarted:
        for drawn_row in (
            DrawnObject.objects.filter(
                draw__task_id__in={s.task.pk for s in unstarted},
                draw__kind=DrawKind.DRAW,
                draw__state=DrawState.DRAWN,
            )
            .values("draw__task_id", "group_id")
            .annotate(object_count=Count("id"))
        ):
            summary = summaries.get((drawn_row["draw__task_id"], drawn_row["group_id"]))
            if summary is not None and not summary.started:
                summary.objects = drawn_row["object_count"]
    return list(summaries.values())


def group_members(task: Task, group_id: str) -> list[GroupMember]:
    return list(
        GroupMember.objects.filter(
            draw__task=task,
            draw__kind=DrawKind.DRAW,
            draw__state=DrawState.DRAWN,
            group_id=group_id,
            replaced_by__isnull=True,
        )
        .select_related("inspector", "expert")
        .order_by("-is_leader", "department_code", "code")
    )


def group_inspections(task: Task, group_id: str) -> QuerySet[Inspection]:
    return (
        standing(Inspection.objects.filter(task=task, group_id=group_id))
        .select_related("inspection_object", "result", "combined_visit", "drawn_object")
        .order_by("scheduled_on", "drawn_object__code")
    )


def group_drawn_objects(task: Task, group_id: str) -> QuerySet[DrawnObject]:
    """Before the task starts: the objects dealt to the group by the standing draw."""
    return (
        DrawnObject.objects.filter(
            draw__task=task,
            draw__kind=DrawKind.DRAW,
            draw__state=DrawState.DRAWN,
            group_id=group_id,
        )
        .select_related("inspection_object")
        .order_by("code")
    )


@dataclass
class OtherVisit:
    """Another task's group drawn to visit the same object in the same year."""

    task: Task
    group_id: str
    scheduled_on: date | None
    inspection: Inspection | None
    overlaps: bool
    combined: bool = False
    pending_visit: CombinedVisit | None = None


def other_visits(task: Task, object_ids: list[int]) -> dict[int, list[OtherVisit]]:
    """Other standing draws' visits to these objects in the task's year (overlapping periods
    first: those can be combined)."""
    year = task.start_date.year
    rows = (
        DrawnObject.objects.filter(
            inspection_object_id__in=object_ids,
            draw__kind=DrawKind.DRAW,
            draw__state=DrawState.DRAWN,
            draw__task__start_date__year__lte=year,
            draw__task__end_date__year__gte=year,
        )
        .exclude(draw__task=task)
        .select_related("draw__task", "draw__task__lead_department", "inspection")
        .order_by("code", "draw__task__start_date")
    )
    visits: dict[int, list[OtherVisit]] = defaultdict(list)
    for row in rows:
        other = row.draw.task
        inspection = getattr(row, "inspection", None)
        visits[row.inspection_object_id].append(
            OtherVisit(
                task=other,
                group_id=row.group_id,
                scheduled_on=inspection.scheduled_on if inspection else None,
                inspection=inspection,
                overlaps=other.start_date <= task.end_date and other.end_date >= task.start_date,
                combined=bool(inspection and inspection.combined_visit_id),
            )
        )
    for rows_of_object in visits.values():
        rows_of_object.sort(key=lambda visit: (not visit.overlaps, visit.task.start_date))
    return visits


def open_combined_parts(inspection_ids: list[int]) -> dict[int, CombinedVisitPart]:
    return {
        part.inspection_id: part
        for part in CombinedVisitPart.objects.filter(
            inspection_id__in=inspection_ids, is_open=True
        ).select_related("visit")
    }


def combined_visit_parts(visit: CombinedVisit) -> list[CombinedVisitPart]:
    return list(
        visit.parts.select_related(
            "inspection__task", "inspection__task__lead_department", "department", "decided_by"
        ).order_by("pk")
    )


def inspection_records(inspection: Inspection) -> QuerySet[MatterRecord]:
    return inspection.records.select_related("department", "matter", "entered_by").order_by(
        "department__code", "matter__code"
    )


def _in_my_groups(user: RequestUser, inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
    """An inspector's lists show their own groups' inspections (they may still open any
    inspection of a task their department takes part in)."""
    if not user.is_authenticated:
        return inspections.none()
    if user.is_office_admin or is_working_member(user) or Role.INSPECTOR not in user.roles:
        return inspections
    condition = Q(pk__in=[])
    for draw_id, group_id in my_group_memberships(user).values_list("draw_id", "group_id"):
        condition |= Q(drawn_object__draw_id=draw_id, group_id=group_id)
    return inspections.filter(condition)


def inspection_list(
    user: RequestUser,
    *,
    task: int | None = None,
    status: str = "",
    overdue: bool = False,
    q: str = "",
) -> QuerySet[Inspection]:
    inspections = standing(inspections_visible_to(user)).select_related(
        "task", "task__lead_department", "inspection_object", "result"
    )
    inspections = _in_my_groups(user, inspections)
    if task:
        inspections = inspections.filter(task_id=task)
    if status:
        inspections = inspections.filter(result__status=status)
    if overdue:
        # a correction of an approved result is not a late entry (its deadline was closed)
        inspections = inspections.filter(
            result__status__in=EDITABLE_RESULT_STATUSES,
            result__approved_version__isnull=True,
            result__due_on__lt=timezone.localdate(),
        )
    if q:
        inspections = inspections.filter(
            Q(inspection_object__name__icontains=q) | Q(drawn_object__code__icontains=q)
        )
    return inspections.order_by("result__due_on", "task_id", "group_id", "pk")


def results_awaiting_review(user: RequestUser) -> QuerySet[InspectionResult]:
    """Submitted results of tasks the user's department leads that the user may review (never
    their own group's, never one they submitted)."""
    if not is_working_member(user):
        return InspectionResult.objects.none()
    in_group = GroupMember.objects.filter(
        draw_id=OuterRef("inspection__drawn_object__draw_id"),
        group_id=OuterRef("inspection__group_id"),
        replaced_by__isnull=True,
        inspector__user=user,
    )
    return (
        InspectionResult.objects.filter(
            status=ResultStatus.SUBMITTED,
            inspection__task__lead_department_id=user.department_id,
            inspection__drawn_object__draw__state=DrawState.DRAWN,
        )
        .exclude(submitted_by=user)
        .exclude(Exists(in_group))
        .select_related("inspection", "inspection__task", "inspection__inspection_object")
        .order_by("submitted_at")
    )


def overdue_results(user: RequestUser) -> QuerySet[InspectionResult]:
    """Results not yet submitted whose 20-working-day entry deadline has passed (corrections of
    approved results are not late entries)."""
    ids = _in_my_groups(user, standing(inspections_visible_to(user))).values("pk")
    return InspectionResult.objects.filter(
        inspection_id__in=ids,
        status__in=EDITABLE_RESULT_STATUSES,
        approved_version__isnull=True,
        due_on__lt=timezone.localdate(),
    ).select_related("inspection", "inspection__task", "inspection__inspection_object")


def leader_results_to_enter(user: RequestUser) -> QuerySet[InspectionResult]:
    """Results the user compiles as a leader that are still open for entry."""
    memberships = my_group_memberships(user).filter(is_leader=True)
    pairs = Q(pk__in=[])
    for draw_id, group_id in memberships.values_list("draw_id", "group_id"):
        pairs |= Q(inspection__drawn_object__draw_id=draw_id, inspection__group_id=group_id)
    return InspectionResult.objects.filter(pairs, status__in=EDITABLE_RESULT_STATUSES)


@dataclass
class MeasureFilters:
    scope: str = "mine"  # mine | notified | lead
    open_only: bool = True
    overdue: bool = False


def measure_list(
    user: RequestUser, filters: MeasureFilters | None = None
) -> QuerySet[FollowUpMeasure]:
    filters = filters or MeasureFilters()
    if not does_the_work(user) or user.department_id is None:
        return FollowUpMeasure.objects.none()
    measures = measures_visible_to(user).select_related(
        "department",
        "notified_department",
        "result__inspection__task",
        "result__inspection__inspection_object",
    )
    if filters.scope == "mine":
        measures = measures.filter(department_id=user.department_id)
    elif filters.scope == "notified":
        measures = measures.filter(notified_department_id=user.department_id)
    elif filters.scope == "lead":
        measures = measures.filter(result__inspection__task__lead_department_id=user.department_id)
    if filters.open_only:
        measures = measures.filter(status=MeasureStatus.OPEN)
    if filters.overdue:
        measures = measures.filter(overdue_condition())
    return measures.order_by("status", "deadline_on", "pk")


def overdue_condition(today: date | None = None) -> Q:
    """Open and past its deadline; a notification only until it is acknowledged."""
    today = today or timezone.localdate()
    return Q(status=MeasureStatus.OPEN, deadline_on__lt=today) & ~Q(
        kind="notify", acknowledged_at__isnull=False
    )


def notifications_to_acknowledge(user: RequestUser) -> QuerySet[FollowUpMeasure]:
    if not is_working_member(user):
        return FollowUpMeasure.objects.none()
    return measure_list(user, MeasureFilters(scope="notified")).filter(acknowledged_at__isnull=True)


@dataclass
class ObjectHistory:
    """An object's inspections (with results where the user may see them) and open measures."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    open_measures: list[FollowUpMeasure] = field(default_factory=list)


def object_history(user: RequestUser, inspection_object: InspectionObject) -> ObjectHistory:
    inspections = (
        inspections_visible_to(user)
        .filter(inspection_object=inspection_object)
        .select_related("task", "task__lead_department", "result", "drawn_object__draw")
        .order_by("-task__start_date", "-pk")
    )
    history = ObjectHistory()
    for inspection in inspections:
        result = inspection.result
        history.rows.append(
            {
                "inspection": inspection,
                "result": result,
                "voided": inspection.drawn_object.draw.state != DrawState.DRAWN,
                "content": can_view_result_content(user, inspection),
            }
        )
    if does_the_work(user):
        history.open_measures = list(
            measures_visible_to(user)
            .filter(
                result__inspection__inspection_object=inspection_object,
                status=MeasureStatus.OPEN,
            )
            .select_related("department", "notified_department", "result__inspection__task")
            .order_by("deadline_on")
        )
    return history


def object_history_panel(
    user: RequestUser, inspection_object: InspectionObject
) -> ObjectPanel | None:
    """The object record page's panel (registered with registries.objects.panels)."""
    from registries.objects.panels import ObjectPanel

    if user is None or not user.is_authenticated:
        return None
    return ObjectPanel(
        template="tasks/inspections/_object_history.html",
        context={"history": object_history(user, inspection_object)},
    )


def pending_combined_visits(user: RequestUser) -> QuerySet[CombinedVisit]:
    """Proposals waiting for the user's side (as leader or lead department)."""
    from tasks.inspections.permissions import tasks_led_by

    condition = Q(inspection__task_id__in=tasks_led_by(user).values("pk"))
    leader_pairs = my_group_memberships(user).filter(is_leader=True)
    for draw_id, group_id in leader_pairs.values_list("draw_id", "group_id"):
        condition |= Q(inspection__drawn_object__draw_id=draw_id, inspection__group_id=group_id)
    waiting = CombinedVisitPart.objects.filter(condition, status="pending", is_open=True)
    return CombinedVisit.objects.filter(
        pk__in=waiting.values("visit_id"), status=CombinedVisitStatus.PROPOSED
    ).order_by("visit_on")
