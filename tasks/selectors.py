"""Reads for tasks and draws, narrowed to what the acting user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from publication.models import PublicationKind, is_published, published_subject_ids
from tasks.choices import DrawKind, DrawState, TaskStatus
from tasks.models import Draw, DrawnObject, GroupMember, Task
from tasks.permissions import tasks_visible_to

PUBLIC_STATES = (
    DrawState.ANNOUNCED,
    DrawState.DRAWING,
    DrawState.DRAWN,
    DrawState.FAILED,
    DrawState.VOIDED,
    DrawState.WITHDRAWN,
)


def task_list(
    user: Any, *, status: str = "", q: str = "", department: str = "", year: int | None = None
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


def tasks_with_workload_flags(user: Any) -> list[Task]:
    return [
        t
        for t in task_list(user, status=TaskStatus.DRAWN)
        if any(f.over_cap for f in workload_flags(t))
    ]


def status_counts(user: Any) -> dict[str, int]:
    return dict(
        tasks_visible_to(user)
        .values("status")
        .annotate(n=Count("id", distinct=True))
        .values_list("status", "n")
    )
