"""Who may change the working calendar: joint-meeting office admins only (reads are public)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_office_admin, require


def require_office_admin(user: User | None) -> None:
    require(is_office_admin, user, _("只有联席办管理员可以维护工作日历。"))
