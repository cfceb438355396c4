"""The filled forms of the inspection work, printed by the printing machinery
(platform_site/documents.py) from what the printables selectors return: the on-site record of one
matter as its department entered it, and the rectification notice of a rectification measure.
The blank forms and the inspection notice are tasks/documents.py's (by drawn object).

A filled form is cached until what it shows changes (the fingerprint of its context), and each
request of a new rendering is recorded in the audit trail (全程留痕)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from accounts.audit import record_event
from accounts.models import User
from accounts.types import RequestUser
from catalog.documents import onsite_record_entered
from platform_site.documents import DocumentKind, register
from tasks.documents import docno, document_sequence, rectification_entered, task_facts
from tasks.inspections import printables
from tasks.inspections.choices import MeasureKind
from tasks.inspections.models import FollowUpMeasure, MatterRecord
from tasks.inspections.permissions import access_measure_for_user, access_record_for_user


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _printed(user: User | None, kind: DocumentKind, target: Any, params: Mapping[str, int]) -> None:
    if user is not None:
        record_event(
            actor=user,
            action="document.requested",
            target=target,
            details={"kind": kind.name, "params": dict(params)},
        )


@register
class FilledOnSiteRecordKind(DocumentKind):
    name = "inspections.onsite_record"
    label = "现场检查记录（已录入）"
    template = "catalog/pdf/onsite_record.html"
    params = {"record": "检查记录 ID"}

    def load(self, params: Mapping[str, int]) -> MatterRecord:
        record = (
            MatterRecord.objects.select_related(
                "department", "matter", "inspection__task__lead_department",
                "inspection__drawn_object__draw", "inspection__inspection_object",
            )
            .filter(pk=params["record"])
            .first()
        )  # fmt: skip
        if record is None:
            raise Http404
        return record

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> MatterRecord:
        return access_record_for_user(user, params["record"])

    def context(self, subject: MatterRecord) -> dict[str, Any]:
        entry = printables.onsite_record(subject)
        inspection = subject.inspection
        drawn = inspection.drawn_object
        facts = task_facts(inspection.task)
        number = docno(facts, "检记", document_sequence(drawn.draw, drawn))[:-1]
        return {
            "parts": [
                onsite_record_entered(
                    {**entry, "group_id": inspection.group_id},
                    docno=f"{number}-{subject.matter.code}号",
                    record_url=_site(entry["url_path"]),
                )
            ]
        }

    def filename(self, subject: MatterRecord) -> str:
        inspection = subject.inspection
        return f"{inspection.task.code}-record-{inspection.drawn_object.code}-{subject.matter.code}.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("inspections:record_pdf", args=[params["record"]])

    def requested(self, subject: Any, *, user: User | None, params: Mapping[str, int]) -> None:
        _printed(user, self, subject, params)


@register
class FilledRectificationNoticeKind(DocumentKind):
    name = "inspections.rectification_notice"
    label = "责令整改通知书（已录入）"
    template = "tasks/pdf/rectification_notice.html"
    params = {"measure": "后续处置措施 ID"}

    def _rectification(self, measure: FollowUpMeasure) -> FollowUpMeasure:
        if measure.kind != MeasureKind.RECTIFY:
            raise Http404
        return measure

    def load(self, params: Mapping[str, int]) -> FollowUpMeasure:
        measure = (
            FollowUpMeasure.objects.select_related(
                "department", "result__inspection__task__lead_department",
                "result__inspection__drawn_object__draw",
                "result__inspection__inspection_object",
            )
            .filter(pk=params["measure"])
            .first()
        )  # fmt: skip
        if measure is None:
            raise Http404
        return self._rectification(measure)

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> FollowUpMeasure:
        return self._rectification(access_measure_for_user(user, params["measure"]))

    def context(self, subject: FollowUpMeasure) -> dict[str, Any]:
        inspection = subject.result.inspection
        drawn = inspection.drawn_object
        facts = task_facts(inspection.task)
        notice = printables.rectification_notice(subject)
        part = rectification_entered(facts, drawn, document_sequence(drawn.draw, drawn), notice)
        return {"task": facts, "parts": [part]}

    def filename(self, subject: FollowUpMeasure) -> str:
        inspection = subject.result.inspection
        return f"{inspection.task.code}-rectification-{inspection.drawn_object.code}.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("inspections:rectification_pdf", args=[params["measure"]])

    def requested(self, subject: Any, *, user: User | None, params: Mapping[str, int]) -> None:
        _printed(user, self, subject, params)
