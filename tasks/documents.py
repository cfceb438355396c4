"""Printable documents of joint tasks (WeasyPrint, A4, Noto CJK fonts), rendered by the printing
app's job and cached while what they show is unchanged:

- the draw record: inputs' hashes, witnesses, seed, results, groups with leaders, the reason for
  every MUST object, and the audit-trail entry that anchored the draw;
- the inspection notice (检查通知书) of a drawn object, and all of a task's notices in one PDF;
- the on-site inspection record (现场检查记录) of a drawn object, one per matter of the task;
- the rectification notice (责令整改通知书).

The forms are blank paper forms with the task, object, group and matters filled in; the filled
variants take the same plain dicts (see `catalog.documents.onsite_record` and `rectification_part`)
with what an inspection recorded.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, ClassVar

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from accounts.audit import record_event
from accounts.models import AuditEvent, Department, User
from accounts.types import RequestUser
from catalog.documents import onsite_record
from catalog.models import Matter
from platform_site.documents import DocumentKind, register
from tasks.models import Draw, DrawnObject, GroupMember, Task
from tasks.permissions import (
    access_draw_for_user,
    access_drawn_object_for_user,
    access_task_forms_for_user,
)
from tasks.selectors import draw_record_context, standing_draw

LAW_TITLE = re.compile(r"《[^》]{2,60}》")


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# --- the draw record -----------------------------------------------------------------------------


def draw_audit_anchor(draw: Draw) -> AuditEvent | None:
    """The latest audit-trail entry that recorded this draw's current log head: what the printed
    record cites instead of the trail's moving head, so the record stays cacheable."""
    return (
        AuditEvent.objects.filter(
            details__draw=draw.protocol_task_id,
            details__draw_number=draw.number,
            details__draw_head=draw.head_hash,
        )
        .order_by("-seq")
        .first()
    )


@register
class DrawRecordKind(DocumentKind):
    name = "tasks.draw_record"
    label = "随机抽取记录"
    template = "tasks/pdf/draw_record.html"
    params = {"draw": "抽取 ID"}

    def load(self, params: Mapping[str, int]) -> Draw:
        return Draw.objects.select_related("task", "task__lead_department").get(pk=params["draw"])

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> Draw:
        return access_draw_for_user(user, params["draw"])

    def context(self, subject: Draw) -> dict[str, Any]:
        context = draw_record_context(subject, public=False)
        anchor = draw_audit_anchor(subject)
        context.update(
            audit_anchor=True,
            audit_head=anchor.hash if anchor else "",
            audit_seq=anchor.seq if anchor else 0,
        )
        return context

    def filename(self, subject: Draw) -> str:
        return f"{subject.protocol_task_id}-{subject.number}.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("tasks:draw_pdf", args=[params["draw"]])


# --- what every form of a task shows ---------------------------------------------------------------


def _departments(task: Task) -> list[Department]:
    lead = task.lead_department
    others = [d for d in task.participating_departments.order_by("code") if d.pk != lead.pk]
    return [lead, *others]


def _matters(task: Task) -> list[Matter]:
    return list(
        task.matters.prefetch_related("check_points", "implementing_departments").order_by("code")
    )


def task_facts(task: Task, matters: list[Matter] | None = None) -> dict[str, Any]:
    departments = _departments(task)
    matters = _matters(task) if matters is None else matters
    taking_part = {department.pk for department in departments}
    bases: list[str] = []
    matter_rows = []
    for matter in matters:
        for title in LAW_TITLE.findall(matter.legal_basis or ""):
            if title not in bases:
                bases.append(title)
        implementers = [d for d in matter.implementing_departments.all() if d.pk in taking_part]
        matter_rows.append(
            {
                "code": matter.code,
                "name": matter.name,
                "department": "、".join(d.display_name for d in implementers)
                or task.lead_department.display_name,
            }
        )
    return {
        "id": task.pk,
        "code": task.code,
        "title": task.title,
        "window_text": f"{_date(task.start_date)}至{_date(task.end_date)}",
        "year": task.start_date.year,
        "method_label": task.get_inspection_method_display(),
        "authorities": "、".join(d.name for d in departments),
        "authorities_short": "、".join(d.display_name for d in departments),
        "seal_names": [d.name for d in departments],
        "lead_name": task.lead_department.name,
        "lead_short": task.lead_department.display_name,
        "bases": bases[:6],
        "matters": matter_rows,
    }


def group_members(draw: Draw) -> dict[str, list[dict[str, Any]]]:
    """The members standing now in each group of the draw (replacements applied), leader first."""
    names = dict(Department.objects.values_list("code", "name"))
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    members = (
        GroupMember.objects.filter(draw=draw, replaced_by__isnull=True)
        .select_related("inspector", "expert")
        .order_by("group_id", "-is_leader", "code")
    )
    for member in members:
        person = member.inspector or member.expert
        groups[member.group_id].append(
            {
                "name": person.name if person else member.code,
                "department": names.get(member.department_code, member.department_code),
                "certificate": getattr(member.inspector, "certificate_number", "") or "",
                "is_leader": member.is_leader,
            }
        )
    return dict(groups)


def drawn_objects(draw: Draw) -> list[DrawnObject]:
    return list(
        DrawnObject.objects.filter(draw=draw).select_related("inspection_object").order_by("code")
    )


def _object(drawn: DrawnObject) -> dict[str, str]:
    entity = drawn.inspection_object
    return {
        "code": entity.code,
        "name": entity.name,
        "address": entity.address,
        "legal_representative": entity.legal_representative,
    }


def _sequence(draw: Draw, drawn: DrawnObject) -> int:
    """The drawn object's place in its draw (by code): the stable serial of its documents."""
    return DrawnObject.objects.filter(draw=draw, code__lt=drawn.code).count() + 1


def docno(task: Mapping[str, Any], word: str, sequence: int) -> str:
    return f"{task['lead_short']}{word}〔{task['year']}〕{task['code']}-{sequence:03d}号"


def record_url(task: Task | Mapping[str, Any], drawn: DrawnObject) -> str:
    """Where the QR code of a drawn object's forms leads: the task's page on the platform."""
    task_id = task.pk if isinstance(task, Task) else task["id"]
    return _site(reverse("tasks:task_detail", args=[task_id]))


def notice_part(
    facts: Mapping[str, Any],
    drawn: DrawnObject,
    sequence: int,
    members: Mapping[str, list[dict[str, Any]]],
    *,
    inspection_date: Any = None,
) -> dict[str, Any]:
    return {
        "docno": docno(facts, "检通", sequence),
        "object": _object(drawn),
        "group_id": drawn.group_id,
        "members": members.get(drawn.group_id, []),
        "record_url": record_url(facts, drawn),
        "date_text": _date(inspection_date) if inspection_date else "",
    }


def rectification_part(
    facts: Mapping[str, Any],
    drawn: DrawnObject,
    sequence: int,
    *,
    findings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`findings` (a result with problems) may give `problems` (list of text), `violated`,
    `according_to`, `deadline` (date), `inspected_on` (date), `issued_on` (date), `authority`."""
    findings = findings or {}
    return {
        "docno": docno(facts, "责改", sequence),
        "authority": findings.get("authority") or facts["lead_name"],
        "object": _object(drawn),
        "record_url": record_url(facts, drawn),
        "problems": list(findings.get("problems", [])),
        "violated": findings.get("violated", ""),
        "according_to": findings.get("according_to", ""),
        "deadline_text": _date(findings["deadline"]) if findings.get("deadline") else "",
        "inspected_text": _date(findings["inspected_on"]) if findings.get("inspected_on") else "",
        "issued_text": _date(findings["issued_on"]) if findings.get("issued_on") else "",
    }


def _record_printing(
    task: Task, kind: DocumentKind, user: User | None, params: Mapping[str, int]
) -> None:
    """Printing an official form (it carries a document number) is a step of the inspection
    worth its line in the audit trail (全程留痕): who printed which form of which task, when."""
    if user is not None:
        record_event(
            actor=user,
            action="document.requested",
            target=task,
            details={"kind": kind.name, "params": dict(params)},
        )


def rectification_entered(
    facts: Mapping[str, Any], drawn: DrawnObject, sequence: int, measure: Mapping[str, Any]
) -> dict[str, Any]:
    """The filled notice of a rectification measure, from its plain data (the shape of
    `tasks.inspections.printables.rectification_notice`)."""
    return rectification_part(
        facts,
        drawn,
        sequence,
        findings={
            "authority": measure.get("department"),
            "problems": [line for line in str(measure.get("description", "")).splitlines() if line],
            "deadline": measure.get("deadline_on"),
            "inspected_on": measure.get("inspected_on"),
            "issued_on": measure.get("issued_on"),
        },
    )


class _DrawnObjectKind(DocumentKind):
    params = {"drawn_object": "抽中对象 ID"}
    slug: ClassVar[str]

    def load(self, params: Mapping[str, int]) -> DrawnObject:
        drawn = (
            DrawnObject.objects.select_related(
                "draw", "draw__task", "draw__task__lead_department", "inspection_object"
            )
            .filter(pk=params["drawn_object"])
            .first()
        )
        if drawn is None or standing_draw(drawn.draw.task) != drawn.draw:
            raise Http404
        return drawn

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> DrawnObject:
        return access_drawn_object_for_user(user, params["drawn_object"])

    def requested(self, subject: Any, *, user: User | None, params: Mapping[str, int]) -> None:
        drawn = subject[0] if isinstance(subject, tuple) else subject
        _record_printing(drawn.draw.task, self, user, params)

    def filename(self, subject: DrawnObject) -> str:
        return f"{subject.draw.task.code}-{self.slug}-{subject.code}.pdf"


@register
class InspectionNoticeKind(_DrawnObjectKind):
    name = "tasks.inspection_notice"
    label = "检查通知书"
    template = "tasks/pdf/inspection_notice.html"
    slug = "notice"

    def context(self, subject: DrawnObject) -> dict[str, Any]:
        draw = subject.draw
        facts = task_facts(draw.task)
        part = notice_part(facts, subject, _sequence(draw, subject), group_members(draw))
        return {"task": facts, "parts": [part]}

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("tasks:notice_pdf", args=[params["drawn_object"]])


@register
class RectificationNoticeKind(_DrawnObjectKind):
    name = "tasks.rectification_notice"
    label = "责令整改通知书"
    template = "tasks/pdf/rectification_notice.html"
    slug = "rectification"

    def context(self, subject: DrawnObject) -> dict[str, Any]:
        draw = subject.draw
        facts = task_facts(draw.task)
        return {
            "task": facts,
            "parts": [rectification_part(facts, subject, _sequence(draw, subject))],
        }

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("tasks:rectification_pdf", args=[params["drawn_object"]])


@register
class OnSiteRecordKind(_DrawnObjectKind):
    """The on-site inspection records of a drawn object: one per matter of the task (or the one
    matter asked for), with the task, object, group and check points filled in."""

    name = "tasks.onsite_record"
    label = "现场检查记录"
    template = "catalog/pdf/onsite_record.html"
    params = {"drawn_object": "抽中对象 ID", "matter": "抽查事项 ID（不填则为任务的全部事项）"}
    optional_params = frozenset({"matter"})
    slug = "record"

    def _subject(self, drawn: DrawnObject, params: Mapping[str, int]) -> tuple[DrawnObject, list]:
        matters = _matters(drawn.draw.task)
        if "matter" in params:
            matters = [matter for matter in matters if matter.pk == params["matter"]]
            if not matters:
                raise Http404
        return drawn, matters

    # The record's subject is the drawn object with the matters it prints (one or all).
    def load(self, params: Mapping[str, int]) -> tuple[DrawnObject, list]:  # type: ignore[override]
        return self._subject(super().load(params), params)

    def authorize(  # type: ignore[override]
        self, user: RequestUser, params: Mapping[str, int]
    ) -> tuple[DrawnObject, list]:
        return self._subject(super().authorize(user, params), params)

    def filename(self, subject: tuple[DrawnObject, list]) -> str:  # type: ignore[override]
        return super().filename(subject[0])

    def context(self, subject: tuple[DrawnObject, list]) -> dict[str, Any]:
        drawn, matters = subject
        draw = drawn.draw
        facts = task_facts(draw.task, _matters(draw.task))
        sequence = _sequence(draw, drawn)
        members = group_members(draw).get(drawn.group_id, [])
        implementers = {row["code"]: row["department"] for row in facts["matters"]}
        parts = [
            onsite_record(
                matter,
                authority=implementers.get(matter.code, facts["lead_name"]),
                docno=f"{docno(facts, '检记', sequence)[:-1]}-{matter.code}号",
                record_url=record_url(facts, drawn),
                task={"code": facts["code"], "title": facts["title"]},
                inspection_object=_object(drawn),
                group_id=drawn.group_id,
                members=members,
            )
            for matter in matters
        ]
        return {"parts": parts}

    def url(self, params: Mapping[str, int]) -> str:
        url = reverse("tasks:onsite_record_pdf", args=[params["drawn_object"]])
        return f"{url}?matter={params['matter']}" if "matter" in params else url


@register
class TaskNoticesKind(DocumentKind):
    """All of a task's inspection notices in one PDF, rendered 50 at a time (flat memory for 500
    and more) with a progress bar."""

    name = "tasks.inspection_notices"
    label = "检查通知书（全部抽中对象）"
    template = "tasks/pdf/inspection_notice.html"
    params = {"task": "任务 ID"}
    chunk_size = 50

    def load(self, params: Mapping[str, int]) -> tuple[Task, Draw]:
        task = Task.objects.select_related("lead_department").get(pk=params["task"])
        draw = standing_draw(task)
        if draw is None:
            raise Http404
        return task, draw

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> tuple[Task, Draw]:
        return access_task_forms_for_user(user, params["task"])

    def parts(self, subject: tuple[Task, Draw]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        task, draw = subject
        facts = task_facts(task)
        members = group_members(draw)
        parts = [
            notice_part(facts, drawn, sequence, members)
            for sequence, drawn in enumerate(drawn_objects(draw), start=1)
        ]
        return {"task": facts, "batch": True}, parts

    def requested(
        self, subject: tuple[Task, Draw], *, user: User | None, params: Mapping[str, int]
    ) -> None:
        _record_printing(subject[0], self, user, params)

    def filename(self, subject: tuple[Task, Draw]) -> str:
        return f"{subject[0].code}-notices.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("tasks:notices_pdf", args=[params["task"]])


def document_sequence(draw: Draw, drawn: DrawnObject) -> int:
    """The drawn object's serial in its draw's documents (for other printers of the same forms)."""
    return _sequence(draw, drawn)


# The year-end summary (tasks/indicators/report.py) registers its own printing kind.
from tasks.indicators import report as _year_report  # noqa: E402,F401
