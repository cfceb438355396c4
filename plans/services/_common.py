"""Small guards shared by the plan services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.types import RequestUser
from plans.models import PlanYear
from plans.permissions import can_manage_plans


def require_office_admin(user: RequestUser | None) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied(_("只有联席办管理员可以执行此操作。"))


def require_status(plan_year: PlanYear, *statuses: str, message: str | None = None) -> None:
    if plan_year.status not in statuses:
        raise ValidationError(
            message
            or _("年度计划当前状态为“%(status)s”，不能执行此操作。")
            % {"status": plan_year.get_status_display()}
        )


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
