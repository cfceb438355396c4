"""Who sees which indicators: the office admin the city and every department; a department's
working roles (admin, liaison, staff) their own department only. Everyone else, and another
department's page, gets the same 404 as a missing page."""

from __future__ import annotations

from django.http import Http404

from accounts.choices import DepartmentKind
from accounts.models import Department, User
from accounts.roles import has_working_role, is_office_admin
from accounts.types import RequestUser
from tasks.indicators.live import Scope

FIRST_YEAR, LAST_YEAR = 2000, 2100


def can_view_indicators(user: RequestUser) -> bool:
    return is_office_admin(user) or has_working_role(user)


def access_indicator_scope_for_user(
    user: RequestUser, year: int, department_id: int | None
) -> Scope:
    """The scope a user may look at: the city (department_id None) for the office admin only."""
    if not FIRST_YEAR <= year <= LAST_YEAR or not can_view_indicators(user):
        raise Http404
    if not isinstance(user, User):  # a working role or the office: signed in
        raise Http404
    if department_id is None:
        if not is_office_admin(user):
            raise Http404
        return Scope(year)
    if not is_office_admin(user) and user.department_id != department_id:
        raise Http404
    if not Department.objects.filter(pk=department_id, kind=DepartmentKind.DEPARTMENT).exists():
        raise Http404
    return Scope(year, department_id)
