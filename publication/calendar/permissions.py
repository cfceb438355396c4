"""Who may change the working calendar: joint-meeting office admins only (reads are public)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User


def require_office_admin(user: User | None) -> None:
    if user is None or not user.is_authenticated or not user.is_office_admin:
        raise PermissionDenied(_("只有联席办管理员可以维护工作日历。"))
