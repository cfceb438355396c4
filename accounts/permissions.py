"""Who may do what with departments and accounts. One access function per object type.

Access functions raise Http404 both for "missing" and for "not yours", so an outsider cannot learn
whether another department's object exists.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import Department, User
from accounts.types import RequestUser

MANAGE_ACCOUNTS = "accounts.manage_accounts"


def can_manage_department_accounts(user: RequestUser, department: Department | None) -> bool:
    """Office admins manage every department's accounts; a department admin only their own,
    through the guardian object permission granted when they were appointed."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_office_admin:
        return True
    if not user.is_department_admin:
        return False
    if department is None or user.department_id != department.pk:
        return False
    return user.has_perm(MANAGE_ACCOUNTS, department)


def access_department_for_user(
    user: RequestUser, department_id: int, *, manage: bool = False
) -> Department:
    if not user.is_authenticated:
        raise Http404
    department = get_object_or_404(Department, pk=department_id)
    if user.is_office_admin:
        return department
    if manage and not can_manage_department_accounts(user, department):
        raise Http404
    if not manage and user.department_id != department.pk:
        raise Http404
    return department


def access_account_for_user(user: RequestUser, account_id: int, *, manage: bool = False) -> User:
    """An account is visible to itself, to its department's admins and to the office admins."""
    if not user.is_authenticated:
        raise Http404
    account = get_object_or_404(User.objects.select_related("department"), pk=account_id)
    if account.pk == user.pk and not manage:
        return account
    if account.department is None:
        raise Http404
    if not can_manage_department_accounts(user, account.department):
        raise Http404
    return account


class IsOfficeAdmin(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user.is_authenticated and request.user.is_office_admin)


class IsAccountManager(BasePermission):
    """Office admins and department admins; object-level checks go through access functions."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user.is_authenticated and (user.is_office_admin or user.is_department_admin))
