"""Role predicates: the one place that says what a role means. Every app's permissions, services,
views and API views ask these functions instead of reading ``user.roles`` themselves.

Vocabulary:
- *signed in*: authenticated and not frozen;
- *member*: signed in and belonging to a department (the office is a department too);
- *office admin*: member of the joint-meeting office holding the office-admin role;
- *department user*: member of an ordinary (non-office) department;
- *working role*: department admin, liaison or staff: the roles that change their department's
  registries, plan items, tasks and proposals (inspectors, witnesses and auditors only read);
- *account rank*: who may act on whose account (``account_rank``): an admin acts only on accounts
  of a lower rank, never on a peer or on themself.

Object rights beyond roles (an auditor granted one year's tasks, a named witness on one task) are
django-guardian grants, read through the access functions of the app that owns the object.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from accounts.choices import Role

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from accounts.models import User
    from accounts.types import RequestUser

WORKING_ROLES = frozenset({Role.DEPARTMENT_ADMIN, Role.LIAISON, Role.STAFF})
"""Roles that change their own department's data. The department admin is one of them everywhere."""


def is_signed_in(user: RequestUser | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_member(user: RequestUser | None) -> TypeGuard[User]:
    return is_signed_in(user) and user.department_id is not None


def is_office_admin(user: RequestUser | None) -> TypeGuard[User]:
    return (
        is_member(user)
        and Role.OFFICE_ADMIN in user.roles
        and user.department is not None
        and user.department.is_office
    )


def is_department_admin(user: RequestUser | None) -> TypeGuard[User]:
    return is_member(user) and Role.DEPARTMENT_ADMIN in user.roles


def is_admin(user: RequestUser | None) -> TypeGuard[User]:
    """Office admins and department admins: they manage accounts (which ones: ``can_act_on``) and
    decide their department's recusals."""
    return is_office_admin(user) or is_department_admin(user)


is_account_manager = is_admin


def is_department_user(user: RequestUser | None) -> TypeGuard[User]:
    """A member of an ordinary department (not the joint-meeting office)."""
    return is_member(user) and user.department is not None and not user.department.is_office


def has_working_role(user: RequestUser | None) -> TypeGuard[User]:
    return is_member(user) and bool(WORKING_ROLES.intersection(user.roles))


def is_department_worker(user: RequestUser | None) -> TypeGuard[User]:
    """A working role in an ordinary department: drafts plan items, proposes matters, runs tasks."""
    return is_department_user(user) and has_working_role(user)


def is_liaison(user: RequestUser | None) -> TypeGuard[User]:
    return is_department_user(user) and Role.LIAISON in user.roles


def is_witness(user: RequestUser | None) -> TypeGuard[User]:
    return is_member(user) and Role.WITNESS in user.roles


def is_auditor(user: RequestUser | None) -> TypeGuard[User]:
    return is_member(user) and Role.AUDITOR in user.roles


# Account hierarchy -----------------------------------------------------------------------------------

RANK_OPERATOR = 3  # a platform superuser (the operator), through django-admin or the shell
RANK_OFFICE_ADMIN = 2
RANK_DEPARTMENT_ADMIN = 1
RANK_ACCOUNT = 0


def account_rank(account: User) -> int:
    """The rank of an account by what it holds, frozen or not (a frozen admin is still an admin:
    a peer must not unfreeze or reissue them)."""
    if account.is_superuser:
        return RANK_OPERATOR
    if Role.OFFICE_ADMIN in account.roles:
        return RANK_OFFICE_ADMIN
    if Role.DEPARTMENT_ADMIN in account.roles or OVERSEER_ROLES.intersection(account.roles):
        return RANK_DEPARTMENT_ADMIN
    return RANK_ACCOUNT


def actor_rank(user: RequestUser | None) -> int:
    """The rank a signed-in user acts with: the operator, an office admin (in the office), a
    department admin; everyone else manages no account."""
    if not is_signed_in(user):
        return -1
    if user.is_superuser:
        return RANK_OPERATOR
    if is_office_admin(user):
        return RANK_OFFICE_ADMIN
    if is_department_admin(user):
        return RANK_DEPARTMENT_ADMIN
    return -1


# Witnesses watch their own department's draws and auditors read every task: they rank with the
# department admin, so that only the office creates them, changes their roles, resets, freezes or
# reissues them (a department admin who could would witness the department's own draws).
OVERSEER_ROLES = frozenset({Role.WITNESS, Role.AUDITOR})

_ROLE_RANKS: dict[str, int] = {
    Role.OFFICE_ADMIN: RANK_OFFICE_ADMIN,
    Role.DEPARTMENT_ADMIN: RANK_DEPARTMENT_ADMIN,
    Role.WITNESS: RANK_DEPARTMENT_ADMIN,
    Role.AUDITOR: RANK_DEPARTMENT_ADMIN,
}


def role_rank(role: str) -> int:
    return _ROLE_RANKS.get(role, RANK_ACCOUNT)


def can_act_on(actor: RequestUser | None, account: User | None) -> bool:
    """May ``actor`` change ``account`` (freeze, unfreeze, reissue, reset its password, set its
    roles)? Only an account strictly below the actor, in the actor's scope: the operator and office
    admins every department, a department admin only their own. Never oneself."""
    if not is_signed_in(actor) or account is None or actor.pk == account.pk:
        return False
    rank = actor_rank(actor)
    if rank <= account_rank(account):
        return False
    if rank >= RANK_OFFICE_ADMIN:
        return True
    return account.department_id is not None and account.department_id == actor.department_id


def can_grant_roles(actor: RequestUser | None, roles: list[str]) -> bool:
    """An admin hands out only roles below their own rank."""
    rank = actor_rank(actor)
    return all(role_rank(role) < rank for role in roles)


# Guards ---------------------------------------------------------------------------------------------


def require(
    predicate: Callable[[Any], bool], user: RequestUser | None, message: str | None = None
) -> None:
    """For services: PermissionDenied with a translated message unless ``predicate(user)``."""
    if not predicate(user):
        raise PermissionDenied(message or _("您无权执行此操作。"))


def require_office_admin(user: RequestUser | None) -> None:
    require(is_office_admin, user, _("只有联席办管理员可以执行此操作。"))


def page_requires(
    predicate: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For pages: the same 404 as a missing page unless ``predicate(request.user)`` holds. Put it
    under ``login_required`` so that anonymous visitors are sent to the login page first."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_only = page_requires(is_office_admin)


def refuse_page_unless(predicate: Callable[[Any], bool], user: RequestUser | None) -> None:
    """Inline form of ``page_requires`` for views that decide part-way through."""
    if not predicate(user):
        raise Http404


class RolePermission(BasePermission):
    """A DRF permission from a predicate: ``RolePermission.of(is_office_admin)``."""

    predicate: Callable[[Any], bool] = staticmethod(is_signed_in)

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(type(self).predicate(request.user))

    @classmethod
    def of(cls, predicate: Callable[[Any], bool]) -> type[RolePermission]:
        return type(
            f"Requires_{predicate.__name__}", (cls,), {"predicate": staticmethod(predicate)}
        )


IsMember = RolePermission.of(is_member)
IsOfficeAdmin = RolePermission.of(is_office_admin)
IsAccountManager = RolePermission.of(is_account_manager)
