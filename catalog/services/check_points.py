"""The matter's inspection form (一张表格管检查): its ordered check points."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from catalog.choices import (
    InspectionMethod,
    RevisionAction,
)
from catalog.models import CheckPoint, Matter, MatterRevision
from catalog.services._common import (
    require_office_admin,
)
from catalog.snapshots import (
    DEPARTMENT_FIELDS,
    check_point_snapshot,
    matter_snapshot,
)

DEFAULT_ANSWERS = ("符合", "不符合", "不涉及")
MAX_CHECK_POINTS = 50


def _clean_check_points(check_points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(check_points) > MAX_CHECK_POINTS:
        raise ValidationError(_("检查要点最多 %(count)d 条。") % {"count": MAX_CHECK_POINTS})
    cleaned = []
    for position, point in enumerate(check_points, start=1):
        text = str(point.get("text") or "").strip()
        if not text:
            raise ValidationError(
                _("第 %(position)d 条检查要点缺少内容。") % {"position": position}
            )
        if len(text) > 500:
            raise ValidationError(
                _("第 %(position)d 条检查要点超过 500 字。") % {"position": position}
            )
        basis = str(point.get("basis") or "").strip()[:500]
        method = point.get("method") or InspectionMethod.ON_SITE
        if method not in InspectionMethod.values:
            raise ValidationError(
                _("第 %(position)d 条检查要点的检查方式无效。") % {"position": position}
            )
        answers = point.get("allowed_answers")
        if answers is None or answers == []:
            answers = list(DEFAULT_ANSWERS)
        if isinstance(answers, str):
            answers = re.split(r"[、,，;；/\n]+", answers)
        answers = list(
            dict.fromkeys(str(answer).strip() for answer in answers if str(answer).strip())
        )
        if len(answers) < 2 or any(len(answer) > 30 for answer in answers):
            raise ValidationError(
                _("第 %(position)d 条检查要点至少需要两个可选结论，每个不超过 30 字。")
                % {"position": position}
            )
        cleaned.append(
            {
                "position": position,
                "text": text,
                "basis": basis,
                "method": method,
                "allowed_answers": answers,
            }
        )
    return cleaned


def _set_check_points(
    forms: dict[int, list[dict[str, Any]]], *, set_by: User, reason: str
) -> list[tuple[Matter, int]]:
    """Replace the forms of several matters with set-based writes; returns (matter, count) for the
    matters whose form changed. Matters are locked in primary-key order."""
    cleaned = {matter_id: _clean_check_points(points) for matter_id, points in forms.items()}
    matters = list(Matter.objects.select_for_update().filter(pk__in=cleaned).order_by("pk"))
    if len(matters) != len(cleaned):
        raise ValidationError(_("事项不存在。"))
    current: dict[int, list[dict[str, Any]]] = {matter.pk: [] for matter in matters}
    for point in CheckPoint.objects.filter(matter__in=matters).order_by("matter_id", "position"):
        current[point.matter_id].append(check_point_snapshot(point))
    changed = [matter for matter in matters if current[matter.pk] != cleaned[matter.pk]]
    if not changed:
        return []
    CheckPoint.objects.filter(matter__in=changed).delete()
    CheckPoint.objects.bulk_create(
        CheckPoint(matter=matter, **point) for matter in changed for point in cleaned[matter.pk]
    )
    now = timezone.now()
    codes: dict[int, dict[str, list[str]]] = {
        matter.pk: {name: [] for name in DEPARTMENT_FIELDS} for matter in changed
    }
    for name in DEPARTMENT_FIELDS:
        through = getattr(Matter, name).through
        for matter_id, code in through.objects.filter(matter__in=changed).values_list(
            "matter_id", "department__code"
        ):
            codes[matter_id][name].append(code)
    revisions = []
    for matter in changed:
        matter.revision += 1
        matter.updated_by = set_by
        matter.updated_at = now
        revisions.append(
            MatterRevision(
                matter=matter,
                revision=matter.revision,
                action=RevisionAction.CHECK_POINTS,
                snapshot=matter_snapshot(
                    matter, department_codes=codes[matter.pk], check_points=cleaned[matter.pk]
                ),
                changes={"check_points": [current[matter.pk], cleaned[matter.pk]]},
                reason=reason[:500],
                changed_by=set_by,
                changed_at=now,
            )
        )
    Matter.objects.bulk_update(changed, ["revision", "updated_by", "updated_at"])
    MatterRevision.objects.bulk_create(revisions)
    return [(matter, len(cleaned[matter.pk])) for matter in changed]


@transaction.atomic
def matter_set_check_points(
    *, matter: Matter, set_by: User, check_points: list[dict[str, Any]], reason: str = ""
) -> Matter:
    """Replace the matter's inspection form: the ordered check points (text, basis, method, allowed
    answers) used for printing and result entry. Positions are 1..n in the given order; an
    identical form writes nothing."""
    require_office_admin(set_by)
    changed = _set_check_points({matter.pk: check_points}, set_by=set_by, reason=reason)
    matter = Matter.objects.get(pk=matter.pk)
    if changed:
        record_event(
            actor=set_by,
            action="matter.set_check_points",
            target=matter,
            details={"revision": matter.revision, "count": changed[0][1], "reason": reason},
        )
    return matter


@transaction.atomic
def matter_set_check_points_many(
    *, forms: dict[Matter, list[dict[str, Any]]], set_by: User, reason: str = ""
) -> int:
    """Replace the forms of many matters at once (e.g. standard forms for a newly imported list),
    with one audit event listing the matters changed. Returns how many changed."""
    require_office_admin(set_by)
    changed = _set_check_points(
        {matter.pk: points for matter, points in forms.items()}, set_by=set_by, reason=reason
    )
    if changed:
        record_event(
            actor=set_by,
            action="matter.set_check_points_many",
            details={
                "matters": {
                    matter.code: {"revision": matter.revision, "count": count}
                    for matter, count in changed
                },
                "reason": reason,
            },
        )
    return len(changed)
