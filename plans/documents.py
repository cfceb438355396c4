"""Printable plan documents: the PDF (WeasyPrint, A4 landscape, Noto CJK fonts, "第 X 页 共 Y 页")
and the XLSX of a frozen plan version. Both read the version's snapshot only. The PDF is a printing
kind: rendered by the job and cached until the version's data changes (the public site serves the
same cached file to everyone)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from accounts.types import RequestUser
from plans.choices import VersionStatus
from plans.models import PlanVersion
from plans.permissions import (
    access_plan_year_for_user,
    access_public_version,
    access_version_for_user,
)
from platform_site.documents import DocumentKind, register
from platform_site.exports import safe_cell


def version_context(version: PlanVersion) -> dict:
    snapshot = version.snapshot or {}
    return {
        "version": version,
        "plan_year": version.plan_year,
        "snapshot": snapshot,
        "items": snapshot.get("items", []),
        "merges": [
            merge for merge in snapshot.get("merges", []) if merge.get("status") == "accepted"
        ],
        "indicators": snapshot.get("indicators", {}),
        "city_name": getattr(settings, "CITY_NAME", ""),
    }


def _published(version: PlanVersion) -> bool:
    return version.status == VersionStatus.APPROVED and version.published_at is not None


@register
class PlanVersionKind(DocumentKind):
    """An approved plan version: anyone (no login) once it is published, before that whoever may
    open the version (signed in)."""

    name = "plans.plan_version"
    label = "年度抽查计划"
    template = "plans/pdf/plan.html"
    params = {"year": "计划年度", "number": "版本号"}

    def load(self, params: Mapping[str, int]) -> PlanVersion:
        version = (
            PlanVersion.objects.select_related("plan_year", "approved_by")
            .filter(plan_year__year=params["year"], number=params["number"])
            .first()
        )
        if version is None or not version.approved_at:
            raise Http404
        return version

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> PlanVersion:
        version = self.load(params)
        if _published(version):
            return access_public_version(params["year"], params["number"])
        plan_year = access_plan_year_for_user(user, params["year"])
        return access_version_for_user(user, plan_year, params["number"])

    def context(self, subject: PlanVersion) -> dict[str, Any]:
        return version_context(subject)

    def filename(self, subject: PlanVersion) -> str:
        return version_filename(subject, "pdf")

    def url(self, params: Mapping[str, int]) -> str:
        version = self.load(params)
        name = "plans:public_version_pdf" if _published(version) else "plans:version_pdf"
        return reverse(name, args=[params["year"], params["number"]])


def render_version_pdf(version: PlanVersion) -> bytes:
    """The plan PDF rendered now, uncached (tests); pages go through the printing job."""
    from platform_site.documents import render_bytes

    return render_bytes(PlanVersionKind(), version)


def version_filename(version: PlanVersion, extension: str) -> str:
    return f"plan-{version.plan_year.year}-v{version.number}.{extension}"


XLSX_HEADER = [
    "序号", "牵头部门", "任务名称", "抽查事项", "配合部门", "联合抽查", "定向/不定向", "抽查对象范围",
    "A类比例", "B类比例", "C类比例", "D类比例", "计划时间", "范围内对象数", "预计抽取数", "备注",
]  # fmt: skip


def render_version_xlsx(version: PlanVersion) -> bytes:
    """Write-only workbook: the items sheet and the approval record sheet."""
    from plans.scoping import format_bp

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("计划事项")
    sheet.append(XLSX_HEADER)
    for index, item in enumerate((version.snapshot or {}).get("items", []), start=1):
        ratios = item.get("ratios", {})
        sheet.append(
            [
                safe_cell(value)
                for value in (
                    index,
                    item["department"]["name"],
                    item["title"],
                    "；".join(f"{matter['code']} {matter['name']}" for matter in item["matters"]),
                    "、".join(
                        department["name"] for department in item["participating_departments"]
                    ),
                    "是" if item["joint"] else "否",
                    "定向" if item["directed"] else "不定向",
                    item["scope_text"],
                    format_bp(ratios.get("A")),
                    format_bp(ratios.get("B")),
                    format_bp(ratios.get("C")),
                    format_bp(ratios.get("D")),
                    item["window_text"],
                    item["in_scope"],
                    item["expected"],
                    item["notes"],
                )
            ]
        )
    record = workbook.create_sheet("审批记录")
    record.append(
        ["年度", "版本", "审批人", "审批时间", "审批意见", "调整原因", "审计哈希", "公布时间"]
    )
    record.append(
        [
            safe_cell(value)
            for value in (
                version.plan_year.year,
                version.number,
                version.approved_by.full_name if version.approved_by else "",
                timezone.localtime(version.approved_at).strftime("%Y-%m-%d %H:%M")
                if version.approved_at
                else "",
                version.comment,
                version.reason,
                version.audit_hash,
                timezone.localtime(version.published_at).strftime("%Y-%m-%d %H:%M")
                if version.published_at
                else "",
            )
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
