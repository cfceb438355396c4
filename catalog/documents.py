"""The matter's standard inspection form (一张表格管检查) as a printable on-site inspection record
(现场检查记录): blank from the matter alone, or with a task's drawn object filled in by tasks, or
with the recorded answers once an inspection is entered. The template takes plain dicts (see
`onsite_record`), so each caller only fills what it knows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse

from accounts.types import RequestUser
from catalog.choices import InspectionMethod
from catalog.models import Matter
from catalog.permissions import access_matter_for_user
from platform_site.documents import DocumentKind, register

DEFAULT_ANSWERS = ("符合", "不符合", "不适用")


def _method_label(code: str) -> str:
    return str(InspectionMethod(code).label) if code in InspectionMethod.values else code


def matter_for_print(matter_id: int) -> Matter:
    return Matter.objects.prefetch_related("check_points", "implementing_departments").get(
        pk=matter_id
    )


def onsite_record(
    matter: Matter,
    *,
    authority: str = "",
    docno: str = "",
    record_url: str = "",
    task: Mapping[str, Any] | None = None,
    inspection_object: Mapping[str, Any] | None = None,
    group_id: str = "",
    members: Sequence[Mapping[str, Any]] | None = None,
    findings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One record's context. `findings` (an entered inspection) may give `answers`
    ({check point id: {"answer", "note", "method"}}), `opinion`, `object_opinion`,
    `inspected_text`, `place`, `contact_phone`, `inspectors_signed` and `signed_text`."""
    findings = findings or {}
    answers = findings.get("answers", {})
    points = []
    for point in matter.check_points.all():
        entered = answers.get(point.pk) or answers.get(str(point.pk)) or {}
        points.append(
            {
                "position": point.position,
                "text": point.text,
                "basis": point.basis,
                "method": _method_label(point.method),
                "answers": list(point.allowed_answers or DEFAULT_ANSWERS),
                "answer": entered.get("answer", ""),
                "note": entered.get("note", ""),
                "method_used": _method_label(entered["method"]) if entered.get("method") else "",
            }
        )
    departments = [department.name for department in matter.implementing_departments.all()]
    return {
        "authority": authority or "、".join(departments) or getattr(settings, "CITY_NAME", ""),
        "docno": docno,
        "record_url": record_url,
        "matter": {
            "code": matter.code,
            "name": matter.name,
            "legal_basis": matter.legal_basis,
            "content": matter.inspection_content,
            "methods": "、".join(_method_label(method) for method in matter.methods),
        },
        "task": task,
        "object": inspection_object or {},
        "group_id": group_id,
        "members": members or [],
        "points": points,
        **{
            field: findings.get(field, "")
            for field in (
                "opinion",
                "object_opinion",
                "inspected_text",
                "place",
                "contact_phone",
                "inspectors_signed",
                "signed_text",
            )
        },
    }


@register
class MatterFormKind(DocumentKind):
    """The blank on-site inspection record of a matter, for paper use (any signed-in user: the
    matter list is public)."""

    name = "catalog.matter_form"
    label = "现场检查记录（空白表）"
    template = "catalog/pdf/onsite_record.html"
    params = {"matter": "抽查事项 ID"}

    def load(self, params: Mapping[str, int]) -> Matter:
        return matter_for_print(params["matter"])

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> Matter:
        access_matter_for_user(user, params["matter"])
        return self.load(params)

    def context(self, subject: Matter) -> dict[str, Any]:
        url = getattr(settings, "SITE_URL", "").rstrip("/") + reverse(
            "catalog:matter_detail", args=[subject.pk]
        )
        return {"parts": [onsite_record(subject, docno=f"事项 {subject.code}", record_url=url)]}

    def filename(self, subject: Matter) -> str:
        return f"onsite-record-{subject.code}.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("catalog:matter_form_pdf", args=[params["matter"]])


def _date_text(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def onsite_record_entered(
    entry: Mapping[str, Any], *, docno: str = "", record_url: str = ""
) -> dict[str, Any]:
    """The filled record: one matter as its department entered it, from the plain data of an
    inspection record (the shape of `tasks.inspections.printables.onsite_record`: the check points
    as answered, with the text they had then; the opinions; the commissioned checks)."""
    matter = entry["matter"]
    task = entry.get("task") or {}
    inspected = _date_text(entry.get("inspected_on"))
    return {
        "authority": entry.get("department", ""),
        "docno": docno,
        "record_url": record_url,
        "matter": {
            "code": matter["code"],
            "name": matter["name"],
            "legal_basis": matter.get("legal_basis", ""),
            "content": "",
            "methods": "、".join(str(method) for method in entry.get("methods", [])),
        },
        "task": {"code": task.get("code", ""), "title": task.get("title", "")} if task else None,
        "object": entry.get("object") or {},
        "group_id": entry.get("group_id", ""),
        "members": [
            {
                "name": member["name"],
                "certificate": member.get("certificate_number", ""),
                "is_leader": member.get("is_leader", False),
            }
            for member in entry.get("members", [])
        ],
        "points": [
            {
                "position": point["position"],
                "text": point["text"],
                "basis": point.get("basis", ""),
                "method": point.get("method", ""),
                "answers": list(point.get("allowed_answers") or DEFAULT_ANSWERS),
                "answer": point.get("answer", ""),
                "note": point.get("note", ""),
                "method_used": "",
            }
            for point in entry.get("check_points", [])
        ],
        "findings": entry.get("findings", ""),
        "commissioned_checks": [
            {
                **check,
                "commissioned_text": _date_text(check.get("commissioned_on")),
                "concluded_text": _date_text(check.get("concluded_on")),
            }
            for check in entry.get("commissioned_checks", [])
        ],
        "opinion": entry.get("opinion", ""),
        "object_opinion": entry.get("object_opinion", ""),
        "inspected_text": inspected,
        "place": entry.get("place", ""),
        "contact_phone": "",
        "inspectors_signed": "",
        "signed_text": inspected,
    }
