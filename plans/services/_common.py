"""Small guards shared by the plan services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.roles import require_office_admin
from plans.models import PlanYear

__all__ = ["require_office_admin", "require_status", "require_text"]


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
