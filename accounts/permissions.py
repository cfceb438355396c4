"""Who may do what with departments and accounts. One access function per object type.

Access functions raise Http404 both for "missing" and for "not yours", so an outsider cannot learn
whether another department's object exists. Which account an admin may act on is the hierarchy of
``accounts.roles.can_act_on``: only accounts below them, in their scope.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Department, User
from accounts.roles import (
    IsAccountManager,
    IsOfficeAdmin,
    can_act_on,
    is_department_admin,
    is_office_admin,
    is_signed_in,
)
from accounts.types import RequestUser

__all__ = [
    "MANAGE_ACCOUNTS",
    "IsAccountManager",
    "IsOfficeAdmin",
    "access_account_for_user",
    "access_department_for_user",
    "can_manage_account",
    "can_manage_department_accounts",
]

MANAGE_ACCOUNTS = "accounts.manage_accounts"


def can_manage_department_accounts(user: RequestUser, department: Department | None) -> bool:
    """Office admins manage every department's accounts; a department admin only their own,
    through the guardian object permission granted when they were appointed."""
    if not is_signed_in(user):
        return False
    if is_office_admin(user) or user.is_superuser:
        return True
    if not is_department_admin(user):
        return False
    if department is None or user.department_id != department.pk:
        return False
    return user.has_perm(MANAGE_ACCOUNTS, department)


def can_manage_account(user: RequestUser, account: User) -> bool:
    """The department's account managers, and then only for an account below them."""
    if account.department is None:  # only a superuser has none
        return False
    return can_manage_department_accounts(user, account.department) and can_act_on(user, account)


def access_department_for_user(
    user: RequestUser, department_id: int, *, manage: bool = False
) -> Department:
    if not is_signed_in(user):
        raise Http404
    department = get_object_or_404(Department, pk=department_id)
    if is_office_admin(user):
        return department
    if manage and not can_manage_department_accounts(user, department):
        raise Http404
    if not manage and user.department_id != department.pk:
        raise Http404
    return department


def access_account_for_user(user: RequestUser, account_id: int, *, manage: bool = False) -> User:
    """Read: the account itself and its department's account managers. Manage (freeze, reset,
    reissue, roles): only a manager ranking above the account (``accounts.roles.can_act_on``)."""
    if not is_signed_in(user):
        raise Http404
    account = get_object_or_404(User.objects.select_related("department"), pk=account_id)
    if manage:
        if not can_manage_account(user, account):
            raise Http404
        return account
    if account.pk == user.pk:
        return account
    if not can_manage_department_accounts(user, account.department):
        raise Http404
    return account
