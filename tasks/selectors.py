"""Reads for tasks and draws, narrowed to what the acting user may see."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.audit import chain_head
from accounts.types import RequestUser
from publication.models import PublicationKind, is_published, published_subject_ids
from registries.choices import SpecialList
from registries.models import InspectionObject
from tasks.choices import DrawKind, DrawState, ReplacementCategory, TaskStatus
from tasks.models import Draw, DrawnObject, GroupMember, Task
from tasks.permissions import can_read_replacement_reason, tasks_visible_to

PUBLIC_STATES = (
    DrawState.ANNOUNCED,
    DrawState.DRAWING,
    DrawState.DRAWN,
    DrawState.FAILED,
    DrawState.VOIDED,
    DrawState.WITHDRAWN,
)


def task_list(
    user: RequestUser,
    *,
    status: str = "",
    q: str = "",
    department: str = "",
    year: int | None = None,
) -> QuerySet[Task]:
    tasks = tasks_visible_to(user).select_related("lead_department", "plan_item")
    if status:
        tasks = tasks.filter(status=status)
    if q:
        tasks = tasks.filter(Q(code__icontains=q) | Q(title__icontains=q))
    if department:
        tasks = tasks.filter(
            Q(lead_department__code=department) | Q(participating_departments__code=department)
        ).distinct()
    if year:
        tasks = tasks.filter(start_date__year=year)
    return tasks.order_by("-created_at", "-pk")


def current_draw(task: Task) -> Draw | None:
    """The task's main draw that stands now: open announcement, drawing or drawn."""
    return (
        task.draws.filter(
            kind=DrawKind.DRAW, state__in=[DrawState.ANNOUNCED, DrawState.DRAWING, DrawState.DRAWN]
        )
        .order_by("-number")
        .first()
    )


def standing_draw(task: Task) -> Draw | None:
    return task.draws.filter(kind=DrawKind.DRAW, state=DrawState.DRAWN).first()


def public_tasks() -> QuerySet[Task]:
    """Tasks whose announcement is public: every task that has ever been announced."""
    return Task.objects.filter(draws__isnull=False).distinct().select_related("lead_department")


def draw_result_is_public(draw: Draw) -> bool:
    """A draw's announcement is public from the start (the protocol needs it); its result (the
    objects, the groups, the bundle) only once the drawn list is published, an explicit and
    audited act (publication.site.services.drawn_list_publish). A replacement draw's result is
    public once a main draw of its task is."""
    if draw.kind == DrawKind.DRAW:
        return is_published(PublicationKind.DRAWN_LIST, draw)
    main_draws = Draw.objects.filter(task_id=draw.task_id, kind=DrawKind.DRAW)
    return main_draws.filter(
        pk__in=published_subject_ids(PublicationKind.DRAWN_LIST, Draw)
    ).exists()


@dataclass
class CombineProposal:
    code: str
    name: str
    other_task: Task
    group_here: str
    group_there: str


def combine_proposals(task: Task) -> list[CombineProposal]:
    """Objects drawn both by this task and by another standing draw whose dates overlap: the
    visits can be combined (进一次门、查多项事)."""
    draw = standing_draw(task)
    if draw is None:
        return []
    mine = dict(draw.drawn_objects.values_list("inspection_object_id", "group_id"))
    others = (
        DrawnObject.objects.filter(
            inspection_object_id__in=list(mine),
            draw__kind=DrawKind.DRAW,
            draw__state=DrawState.DRAWN,
            draw__task__start_date__lte=task.end_date,
            draw__task__end_date__gte=task.start_date,
        )
        .exclude(draw__task=task)
        .select_related("draw__task", "draw__task__lead_department", "inspection_object")
        .order_by("code")
    )
    return [
        CombineProposal(
            row.code,
            row.inspection_object.name,
            row.draw.task,
            mine[row.inspection_object_id],
            row.group_id,
        )
        for row in others
    ]


@dataclass
class WorkloadFlag:
    code: str
    department_code: str
    group_id: str
    groups_in_period: int
    max_load: int
    other_tasks: list[str]

    @property
    def over_cap(self) -> bool:
        return self.groups_in_period > self.max_load


def workload_flags(task: Task) -> list[WorkloadFlag]:
    """Members of this task's groups who, counting every standing draw whose dates overlap, hold
    more groups than their cap, or are due in another task on overlapping dates. Loads are frozen
    at announcement, so tasks reviewed at the same time can collide; a replacement draw resolves it."""
    draw = standing_draw(task)
    if draw is None:
        return []
    members = list(
        GroupMember.objects.filter(draw=draw, replaced_by__isnull=True).select_related(
            "inspector", "expert"
        )
    )
    codes = [m.code for m in members]
    overlapping = GroupMember.objects.filter(
        code__in=codes,
        replaced_by__isnull=True,
        draw__state=DrawState.DRAWN,
        draw__task__start_date__lte=task.end_date,
        draw__task__end_date__gte=task.start_date,
    ).values_list("code", "draw__task__code")
    held: dict[str, list[str]] = defaultdict(list)
    for code, task_code in overlapping:
        held[code].append(task_code)
    flags = []
    for member in members:
        person = member.inspector or member.expert
        cap = person.max_load if person else 0
        tasks_held = held.get(member.code, [])
        others = sorted({code for code in tasks_held if code != task.code})
        if len(tasks_held) > cap or others:
            flags.append(
                WorkloadFlag(
                    member.code,
                    member.department_code,
                    member.group_id,
                    len(tasks_held),
                    cap,
                    others,
                )
            )
    return flags


def tasks_with_workload_flags(user: RequestUser) -> list[Task]:
    return [
        t
        for t in task_list(user, status=TaskStatus.DRAWN)
        if any(f.over_cap for f in workload_flags(t))
    ]


def status_counts(user: RequestUser) -> dict[str, int]:
    return dict(
        tasks_visible_to(user)
        .values("status")
        .annotate(n=Count("id", distinct=True))
        .values_list("status", "n")
    )


# --- the yearly limit of low-risk objects (003 II) -------------------------------------------------


def objects_at_yearly_inspection_limit(*, year: int, limit: int) -> QuerySet[DrawnObject, int]:
    """Ids of the objects already inspected `limit` times in `year` (003 II: a low-risk object at
    most twice a year). The one place that counts inspections for the limit.

    Every object drawn by a standing (not voided) main draw is an inspection. It counts in the
    year its approved result says it was completed, until then in the year its task's inspection
    period starts; a combined visit (one door, several tasks) counts once."""
    completed = ExtractYear("inspection__result__approved_version__completed_on")
    started = ExtractYear("draw__task__start_date")
    # Concat turns NULL into "" on PostgreSQL, so the visit key is chosen with a CASE.
    visit = Case(
        When(
            inspection__combined_visit__isnull=False,
            then=Concat(Value("v"), Cast("inspection__combined_visit_id", CharField())),
        ),
        default=Concat(Value("d"), Cast("id", CharField())),
    )
    return (
        DrawnObject.objects.filter(
            draw__kind=DrawKind.DRAW,
            draw__state=DrawState.DRAWN,
            draw__task__start_date__year__gte=year - 1,
            draw__task__start_date__year__lte=year,
        )
        .annotate(visit_year=Coalesce(completed, started), visit=visit)
        .filter(visit_year=year)
        .values("inspection_object_id")
        .annotate(times=Count("visit", distinct=True))
        .filter(times__gte=limit)
        .values_list("inspection_object_id", flat=True)
    )


# --- draws that need the office's eye ----------------------------------------------------------


def draws_stuck_in_drawing(*, older_than: timedelta | None = None) -> QuerySet[Draw]:
    """Draws still "drawing" longer than `older_than` (DRAW_STUCK_AFTER_MINUTES by default) since
    their job was last queued (or, when the broker refused it, since the reveal): a lost worker or
    a refused job. For the office's
    status page; beat re-queues them (tasks.services.execution.draws_requeue_stuck)."""
    if older_than is None:
        older_than = timedelta(minutes=settings.DRAW_STUCK_AFTER_MINUTES)
    cutoff = timezone.now() - older_than
    return (
        Draw.objects.filter(state=DrawState.DRAWING)
        .annotate(queued=Coalesce("job_queued_at", "revealed_at"))
        .filter(queued__lte=cutoff)
        .select_related("task", "task__lead_department")
        .defer("candidate_file", "inspector_file", "conflict_file")
        .order_by("queued")
    )


@dataclass
class RerollCount:
    """Per lead department and year: announcements withdrawn, draws voided or failed, and
    announcements that replace an earlier one (published on every task's public page)."""

    department: str
    year: int
    withdrawn: int
    voided: int
    failed: int
    replacing: int


def reroll_counts(*, department_id: int) -> list[RerollCount]:
    rows = (
        Draw.objects.filter(kind=DrawKind.DRAW, task__lead_department_id=department_id)
        .annotate(year=ExtractYear("announced_at"))
        .values("task__lead_department__code", "year")
        .annotate(
            withdrawn=Count("id", filter=Q(state=DrawState.WITHDRAWN)),
            voided=Count("id", filter=Q(state=DrawState.VOIDED)),
            failed=Count("id", filter=Q(state=DrawState.FAILED)),
            replacing=Count("id", filter=Q(redraw_of__isnull=False)),
        )
        .order_by("-year")
    )
    return [
        RerollCount(
            row["task__lead_department__code"],
            row["year"],
            row["withdrawn"],
            row["voided"],
            row["failed"],
            row["replacing"],
        )
        for row in rows
    ]


# --- the draw record --------------------------------------------------------------------------------


def _drawn_object_rows(
    draw: Draw,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    objects: list[dict[str, Any]] = []
    objects_by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    result = draw.result
    assert result is not None  # only a draw with its bundle lists its objects
    codes = list(result["objects"])
    registry = {
        code: (name, authority)
        for code, name, authority in InspectionObject.objects.filter(code__in=codes).values_list(
            "code", "name", "registering_authority"
        )
    }
    labels = dict(SpecialList.choices)
    for code, stratum in result["objects"].items():
        reasons = (
            [str(labels.get(r, r)) for r in draw.must_reasons.get(code, [])]
            if stratum == "MUST"
            else []
        )
        name, authority = registry.get(code, ("", ""))
        row = {
            "code": code,
            "name": name,
            "authority": authority,
            "stratum": stratum,
            "reasons": reasons,
            "group": result["assignment"].get(code, ""),
        }
        objects.append(row)
        objects_by_group[row["group"]].append(row)
    return objects, objects_by_group


LOG_ENTRY_LABELS = {
    "announce": _lazy("公告（冻结输入、公布承诺值）"),
    "witness": _lazy("录入见证值"),
    "beacon": _lazy("公共随机信标"),
    "reveal": _lazy("揭示秘密值"),
    "result": _lazy("抽取结果"),
    "draw_failed": _lazy("抽取失败"),
    "publish": _lazy("公开结果"),
    "void": _lazy("作废"),
}


def _log_time(ts: Any) -> Any:
    """A log entry's UTC stamp ("2026-12-04T20:40:39Z") as an aware datetime, which pages show in
    the site's time zone; the bundle keeps the UTC text."""
    from datetime import datetime

    if not isinstance(ts, str):
        return ts
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None


def draw_record_context(
    draw: Draw, *, public: bool, user: RequestUser | None = None
) -> dict[str, Any]:
    """Everything the draw record page, the PDF and the public page show, in plain Chinese.

    Witness values appear once S is public (the reveal, or a withdrawal); the free text of a
    replacement's reason only for the office, auditors and the lead department (`user`)."""
    revealed = draw.is_revealed
    entries = []
    for entry in draw.log_entries.order_by("seq"):
        data = dict(entry.data)
        if entry.type == "witness" and not revealed:
            data = {"value": _("（揭示前不公开）")}
        entries.append(
            {
                "entry": entry,
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                "type_label": LOG_ENTRY_LABELS.get(entry.type, entry.type),
                "at": _log_time(entry.ts),
            }
        )
    groups: dict[str, list[GroupMember]] = defaultdict(list)
    objects: list[dict[str, Any]] = []
    objects_by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if draw.has_bundle and draw.kind == DrawKind.DRAW:
        members = (
            GroupMember.objects.filter(draw=draw)
            .select_related("inspector", "expert", "replaced_by")
            .order_by("group_id", "-is_leader", "code")
        )
        for member in members:
            groups[member.group_id].append(member)
        objects, objects_by_group = _drawn_object_rows(draw)
    head = chain_head()
    show_reason = not public and user is not None and can_read_replacement_reason(user, draw.task)
    category = (
        ReplacementCategory(draw.replacement_category).label if draw.replacement_category else ""
    )
    return {
        "draw": draw,
        "task": draw.task,
        "revealed": revealed,
        "entries": entries,
        "groups": dict(sorted(groups.items())),
        "result_groups": sorted((draw.result or {}).get("groups", {}).items()),
        "objects": objects,
        "objects_by_group": objects_by_group,
        "audit_head": head.hash if head else "",
        "audit_seq": head.seq if head else 0,
        "has_bundle": draw.has_bundle,
        "public": public,
        "reviews": draw.reviews.select_related("department").order_by("department__code"),
        "notes": draw.selection_notes,
        "filters_text": (draw.params.get("filters") or {}).get("text", ""),
        "strata": draw.params.get("strata", {}),
        "composition": draw.params.get("group", {}),
        "replacement_category": category,
        "replacement_reason": draw.replacement_reason if show_reason else "",
        "announce_hash": draw.log_entries.filter(seq=0).values_list("hash", flat=True).first(),
    }


def stuck_draw_minutes() -> int:
    return settings.DRAW_STUCK_AFTER_MINUTES


def task_terms_comparison(task: Task) -> dict[str, Any] | None:
    """For tasks that need the office's approval: the terms side by side with the plan item (or,
    for an ad-hoc task, with the version the office approved before, when there is one)."""
    from tasks.services.terms import plan_item_terms, task_terms, terms_side_by_side

    if not task.needs_approval:
        return None
    current = task_terms(task)
    if task.plan_item_id is not None:
        return {
            "reference_label": _("计划事项"),
            "rows": terms_side_by_side(plan_item_terms(task.plan_item), current, plan=True),
        }
    if task.approved_terms and task.approved_terms != current:
        return {
            "reference_label": _("已批准的版本"),
            "rows": terms_side_by_side(task.approved_terms, current, plan=False),
        }
    return None
