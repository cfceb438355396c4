"""What each printable form shows, as plain data (selectors for the PDF documents).

The printing code renders these dictionaries; it never reaches into the models itself, so a form
shows exactly what is here. The caller has already passed the access check for the object it
prints (`access_inspection_for_user`, `access_record_for_user`, `access_measure_for_user`).

- `inspection_notice(inspection)`: 检查通知书, to the business before the visit;
- `onsite_record(record)`: 实地核查记录表 of one matter, filled; `onsite_record_blank(task,
  matter)` the same form empty, for paper use;
- `rectification_notice(measure)`: 责令整改通知书 of a rectification measure.

Every date is a `datetime.date`; the `url_path` is the page a QR code or short link points to.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from catalog.models import CheckPoint, Matter
from tasks.inspections.choices import MeasureKind
from tasks.inspections.models import FollowUpMeasure, Inspection, MatterRecord
from tasks.models import GroupMember, Task


def _object(inspection: Inspection) -> dict[str, Any]:
    obj = inspection.inspection_object
    return {
        "name": obj.name,
        "code": inspection.drawn_object.code,
        "address": obj.address,
        "legal_representative": obj.legal_representative,
        "registering_authority": obj.registering_authority,
    }


def _task(task: Task) -> dict[str, Any]:
    return {
        "code": task.code,
        "title": task.title,
        "lead_department": task.lead_department.name,
        "participating_departments": [d.name for d in task.participating_departments.all()],
        "start_date": task.start_date,
        "end_date": task.end_date,
        "is_directed": task.is_directed,
        "is_joint": task.participating_departments.exists(),
    }


def _members(inspection: Inspection) -> list[dict[str, Any]]:
    members = (
        GroupMember.objects.filter(
            draw_id=inspection.drawn_object.draw_id,
            group_id=inspection.group_id,
            replaced_by__isnull=True,
        )
        .select_related("inspector", "expert", "inspector__department")
        .order_by("-is_leader", "department_code", "code")
    )
    rows = []
    for member in members:
        person = member.inspector or member.expert
        rows.append(
            {
                "name": person.name if person else member.code,
                "code": member.code,
                "department": member.inspector.department.name if member.inspector else "",
                "certificate_number": member.inspector.certificate_number
                if member.inspector
                else "",
                "is_leader": member.is_leader,
                "is_expert": member.expert_id is not None,
            }
        )
    return rows


def inspection_notice(inspection: Inspection) -> dict[str, Any]:
    """检查通知书: who comes, when, for which matters and on what legal basis."""
    task = inspection.task
    matters = Matter.objects.filter(pk__in=inspection.records.values("matter_id")).order_by("code")
    return {
        "task": _task(task),
        "object": _object(inspection),
        "group_id": inspection.group_id,
        "scheduled_on": inspection.scheduled_on,
        "combined": inspection.combined_visit_id is not None,
        "members": _members(inspection),
        "matters": [
            {"code": m.code, "name": m.name, "legal_basis": m.legal_basis} for m in matters
        ],
        "url_path": reverse("inspections:inspection_detail", args=[inspection.pk]),
    }


def onsite_record(record: MatterRecord) -> dict[str, Any]:
    """实地核查记录表 of one matter as entered by its department (check points with answers)."""
    inspection = record.inspection
    return {
        "task": _task(inspection.task),
        "object": _object(inspection),
        "department": record.department.name,
        "matter": {
            "code": record.matter.code,
            "name": record.matter.name,
            "legal_basis": record.matter.legal_basis,
            "revision": record.matter_revision,
        },
        "status": record.get_status_display(),
        "methods": record.method_labels,
        "inspected_on": record.inspected_on,
        "check_points": [
            {
                "position": answer.position,
                "text": answer.text,
                "basis": answer.basis,
                "method": answer.get_method_display(),
                "allowed_answers": list(answer.allowed_answers),
                "answer": answer.answer,
                "note": answer.note,
            }
            for answer in record.answers.order_by("position")
        ],
        "findings": record.findings,
        "opinion": record.opinion,
        "object_opinion": record.object_opinion,
        "object_representative": record.object_representative,
        "problem_found": record.problem_found,
        "commissioned_checks": [
            {
                "kind": check.get_kind_display(),
                "body": check.body,
                "subject": check.subject,
                "commissioned_on": check.commissioned_on,
                "conclusion": check.conclusion,
                "concluded_on": check.concluded_on,
            }
            for check in record.commissioned_checks.order_by("pk")
        ],
        "attachment_count": record.attachments.filter(withdrawn_at__isnull=True).count(),
        "members": [m for m in _members(inspection) if m["department"] == record.department.name],
        "url_path": reverse("inspections:record", args=[record.pk]),
    }


def onsite_record_blank(task: Task, matter: Matter) -> dict[str, Any]:
    """The same form, empty, from the catalog's current check points (for paper use)."""
    points = CheckPoint.objects.filter(matter=matter).order_by("position")
    return {
        "task": _task(task),
        "object": None,
        "matter": {
            "code": matter.code,
            "name": matter.name,
            "legal_basis": matter.legal_basis,
            "revision": matter.revision,
        },
        "check_points": [
            {
                "position": point.position,
                "text": point.text,
                "basis": point.basis,
                "method": point.get_method_display(),
                "allowed_answers": list(point.allowed_answers),
                "answer": "",
                "note": "",
            }
            for point in points
        ],
    }


def rectification_notice(measure: FollowUpMeasure) -> dict[str, Any]:
    """责令整改通知书 of a rectification measure: the problem, what to do, by when."""
    if measure.kind != MeasureKind.RECTIFY:
        raise ValueError("only a rectification measure has a rectification notice")
    inspection = measure.result.inspection
    return {
        "task": _task(inspection.task),
        "object": _object(inspection),
        "department": measure.department.name,
        "description": measure.description,
        "deadline_on": measure.deadline_on,
        "issued_on": timezone.localdate(measure.created_at),
        "inspected_on": measure.result.completed_on,
        "recheck_on": measure.recheck_on,
        "url_path": reverse("inspections:measure_detail", args=[measure.pk]),
    }
