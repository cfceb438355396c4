"""Recusal (回避): declared conflicts between an inspector (or an expert) and an object, and the
automatic rules.

- An inspector declares a conflict for themselves (when their account is linked to the inspector
  record), or department staff declare it on their behalf; the office, which keeps the expert
  registry, declares and decides the experts' recusals.
- The department admin of the inspector's department confirms or rejects it (the office admin
  may too). Only confirmed declarations feed the draw's conflict file.
- The office admin switches the automatic rules on and off (own grid, own region); they apply to
  inspectors and experts alike.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from accounts.roles import is_department_admin, is_office_admin, require
from accounts.types import RequestUser
from registries.choices import RecusalReason, RecusalStatus
from registries.inspectors.services.inspectors import can_edit_inspectors_of
from registries.models import Expert, InspectionObject, Inspector, Recusal, RecusalRule


def can_declare_recusal(user: RequestUser, inspector: Inspector | Expert) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if isinstance(inspector, Expert):
        return user.is_office_admin
    if inspector.user_id is not None and inspector.user_id == user.pk:
        return True
    return can_edit_inspectors_of(user, inspector.department)


def can_decide_recusal(user: RequestUser, inspector: Inspector | Expert) -> bool:
    if is_office_admin(user):
        return True
    if isinstance(inspector, Expert):
        return False  # the expert registry is the office's
    return is_department_admin(user) and user.department_id == inspector.department_id


def _details(recusal: Recusal) -> dict[str, Any]:
    return {
        "inspector" if recusal.inspector_id else "expert": recusal.person.code,
        "object": recusal.inspection_object.code,
        "reason": recusal.reason,
        "status": recusal.status,
    }


@transaction.atomic
def recusal_declare(
    *,
    inspection_object: InspectionObject,
    reason: str,
    declared_by: User,
    note: str = "",
    inspector: Inspector | None = None,
    expert: Expert | None = None,
) -> Recusal:
    """Declare a conflict of interest of an inspector or an expert. A rejected declaration of the
    same pair may be declared again (with new facts); a pending or confirmed one may not be
    duplicated."""
    person: Inspector | Expert
    if inspector is not None and expert is None:
        person = inspector
    elif expert is not None and inspector is None:
        person = expert
    else:
        raise ValidationError(_("请指定一名执法检查人员或一名专家。"))
    if not can_declare_recusal(declared_by, person):
        raise PermissionDenied(_("只有本人或本部门工作人员可以申报回避；专家的回避由联席办申报。"))
    if reason not in RecusalReason.values:
        raise ValidationError({"reason": _("请选择回避事由。")})
    note = (note or "").strip()
    pair = {"inspector": inspector} if inspector is not None else {"expert": expert}
    existing = (
        Recusal.objects.select_for_update()
        .filter(**pair, inspection_object=inspection_object)
        .first()
    )
    if existing is not None and existing.status != RecusalStatus.REJECTED:
        raise ValidationError(
            _("该人员与 %(object)s 的回避申报已存在（%(status)s）。")
            % {"object": inspection_object.name, "status": existing.get_status_display()}
        )
    recusal = existing or Recusal(**pair, inspection_object=inspection_object)
    recusal.reason = reason
    recusal.note = note
    recusal.status = RecusalStatus.DECLARED
    recusal.declared_by = declared_by
    recusal.declared_at = timezone.now()
    recusal.decided_by = None
    recusal.decided_at = None
    recusal.decision_note = ""
    recusal.full_clean(exclude=["declared_by"])
    recusal.save()
    record_event(
        actor=declared_by,
        action="recusal.declare",
        target=recusal,
        details={**_details(recusal), "note": note, "redeclared": existing is not None},
    )
    return recusal


def _decide(*, recusal: Recusal, decided_by: User, status: str, note: str, action: str) -> Recusal:
    recusal = (
        Recusal.objects.select_for_update(of=("self",))
        .select_related("inspector__department", "expert", "inspection_object")
        .get(pk=recusal.pk)
    )
    if not can_decide_recusal(decided_by, recusal.person):
        raise PermissionDenied(_("只有该人员所在部门的系统管理员可以确认回避申报。"))
    if recusal.status != RecusalStatus.DECLARED:
        raise ValidationError(
            _("该回避申报已处理（%(status)s），不能重复处理。")
            % {"status": recusal.get_status_display()}
        )
    recusal.status = status
    recusal.decided_by = decided_by
    recusal.decided_at = timezone.now()
    recusal.decision_note = (note or "").strip()
    recusal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_event(
        actor=decided_by,
        action=action,
        target=recusal,
        details={**_details(recusal), "note": recusal.decision_note},
    )
    return recusal


@transaction.atomic
def recusal_confirm(*, recusal: Recusal, decided_by: User, note: str = "") -> Recusal:
    """Confirm a declaration: from now on it is in every draw's conflict file."""
    return _decide(
        recusal=recusal,
        decided_by=decided_by,
        status=RecusalStatus.CONFIRMED,
        note=note,
        action="recusal.confirm",
    )


@transaction.atomic
def recusal_reject(*, recusal: Recusal, decided_by: User, note: str) -> Recusal:
    """Reject a declaration; the reason is required and shown to the declarer."""
    if not (note or "").strip():
        raise ValidationError({"note": _("不予确认时须说明理由。")})
    return _decide(
        recusal=recusal,
        decided_by=decided_by,
        status=RecusalStatus.REJECTED,
        note=note,
        action="recusal.reject",
    )


@transaction.atomic
def recusal_rule_set(*, kind: str, is_active: bool, set_by: User, note: str = "") -> RecusalRule:
    """Switch an automatic recusal rule on or off (office admin)."""
    require(is_office_admin, set_by, _("自动回避规则由联席办管理员设置。"))
    if kind not in RecusalRule.Kind.values:
        raise ValidationError({"kind": _("未知的回避规则：%(kind)s") % {"kind": kind}})
    rule = RecusalRule.objects.select_for_update().filter(kind=kind).first()
    before = None if rule is None else {"is_active": rule.is_active, "note": rule.note}
    if rule is None:
        rule = RecusalRule(kind=kind)
    rule.is_active = bool(is_active)
    rule.note = (note or "").strip()
    rule.full_clean()
    rule.save()
    record_event(
        actor=set_by,
        action="recusal_rule.set",
        target=rule,
        details={
            "kind": kind,
            "before": before,
            "after": {"is_active": rule.is_active, "note": rule.note},
        },
    )
    return rule
