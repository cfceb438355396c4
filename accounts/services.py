"""Everything that can happen to departments and accounts. Each service records its audit event."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import record_event
from accounts.choices import DepartmentKind, FreezeReason, Role
from accounts.logins import login_reset_for
from accounts.models import Department, User
from accounts.passwords import generate_temporary_password
from accounts.permissions import (
    MANAGE_ACCOUNTS,
    can_manage_account,
    can_manage_department_accounts,
)
from accounts.roles import can_grant_roles, require_office_admin


def _require_account_manager(user: User, department: Department | None) -> None:
    if not can_manage_department_accounts(user, department):
        raise PermissionDenied(_("您无权管理该部门的账户。"))


def _require_above(user: User, account: User) -> None:
    """Admins act only on accounts below them (accounts.roles.can_act_on): a department admin
    never on another department admin, nobody on an office admin but the operator, nobody on
    themself."""
    if not can_manage_account(user, account):
        raise PermissionDenied(_("您只能管理级别低于您的账户。"))


@transaction.atomic
def department_create(
    *,
    created_by: User,
    code: str,
    name: str,
    short_name: str = "",
    kind: str = DepartmentKind.DEPARTMENT,
) -> Department:
    require_office_admin(created_by)
    department = Department(
        code=code.strip().upper(), name=name.strip(), short_name=short_name, kind=kind
    )
    department.full_clean()
    department.save()
    record_event(
        actor=created_by,
        action="department.create",
        target=department,
        details={"code": department.code, "name": department.name, "kind": department.kind},
    )
    return department


@transaction.atomic
def department_update(
    *, department: Department, updated_by: User, name: str, short_name: str
) -> Department:
    require_office_admin(updated_by)
    before = {"name": department.name, "short_name": department.short_name}
    department.name, department.short_name = name.strip(), short_name.strip()
    department.full_clean()
    department.save(update_fields=["name", "short_name"])
    record_event(
        actor=updated_by,
        action="department.update",
        target=department,
        details={
            "before": before,
            "after": {"name": department.name, "short_name": department.short_name},
        },
    )
    return department


def _validate_roles(
    *, roles: list[str], department: Department | None, created_by: User
) -> list[str]:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationError({"roles": _("未知角色：%(roles)s") % {"roles": "、".join(unknown)}})
    if not roles:
        raise ValidationError({"roles": _("至少选择一个角色。")})
    if Role.OFFICE_ADMIN in roles and (department is None or not department.is_office):
        raise ValidationError({"roles": _("联席办管理员只能属于联席会议办公室。")})
    if Role.OFFICE_ADMIN in roles and not can_grant_roles(created_by, [Role.OFFICE_ADMIN]):
        raise PermissionDenied(_("联席办管理员只能由平台运维管理员分配。"))
    if not can_grant_roles(created_by, roles):
        raise PermissionDenied(_("部门系统管理员由联席办管理员分配。"))
    return sorted(set(roles), key=Role.values.index)


def _sync_guardian(account: User) -> None:
    """Department admins hold `manage_accounts` on their own department, and nothing else."""
    if account.department is None:
        return
    if Role.DEPARTMENT_ADMIN in account.roles and account.is_active:
        assign_perm(MANAGE_ACCOUNTS, account, account.department)
    else:
        remove_perm(MANAGE_ACCOUNTS, account, account.department)


@transaction.atomic
def account_create(
    *,
    created_by: User,
    department: Department,
    username: str,
    full_name: str,
    roles: list[str],
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account; returns it with the one-time password to hand over (must be changed at
    first login unless a password is given, as the demo city does)."""
    _require_account_manager(created_by, department)
    roles = _validate_roles(roles=roles, department=department, created_by=created_by)
    account = User(
        username=username.strip(),
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        department=department,
        roles=roles,
        must_change_password=password is None,
    )
    issued_password = password or generate_temporary_password()
    validate_password(issued_password, account)
    account.set_password(issued_password)
    account.full_clean(exclude=["password"])
    account.save()
    _sync_guardian(account)
    record_event(
        actor=created_by,
        action="account.create",
        target=account,
        details={"username": account.username, "department": department.code, "roles": roles},
    )
    return account, issued_password


@transaction.atomic
def account_set_roles(*, account: User, changed_by: User, roles: list[str]) -> User:
    account = User.objects.select_for_update().get(pk=account.pk)
    _require_above(changed_by, account)
    before = list(account.roles)
    account.roles = _validate_roles(
        roles=roles, department=account.department, created_by=changed_by
    )
    if Role.DEPARTMENT_ADMIN in before and Role.DEPARTMENT_ADMIN not in account.roles:
        require_office_admin(changed_by)
    account.save(update_fields=["roles"])
    _sync_guardian(account)
    record_event(
        actor=changed_by,
        action="account.set_roles",
        target=account,
        details={"before": before, "after": account.roles},
    )
    return account


@transaction.atomic
def account_freeze(*, account: User, frozen_by: User, reason: str, note: str = "") -> User:
    if account.pk == frozen_by.pk:
        raise ValidationError(_("不能冻结自己的账户。"))
    if reason not in FreezeReason.values:
        raise ValidationError({"reason": _("请选择冻结原因。")})
    account = User.objects.select_for_update().get(pk=account.pk)
    _require_above(frozen_by, account)
    if not account.is_active:
        raise ValidationError(_("该账户已处于冻结状态。"))
    account.is_active = False
    account.frozen_at = timezone.now()
    account.frozen_reason = f"{FreezeReason(reason).label}{'：' + note if note else ''}"[:200]
    account.save(update_fields=["is_active", "frozen_at", "frozen_reason"])
    _sync_guardian(account)
    record_event(
        actor=frozen_by,
        action="account.freeze",
        target=account,
        details={"reason": reason, "note": note},
    )
    return account


@transaction.atomic
def account_unfreeze(*, account: User, unfrozen_by: User) -> User:
    account = User.objects.select_for_update().get(pk=account.pk)
    _require_above(unfrozen_by, account)
    if account.is_active:
        raise ValidationError(_("该账户未被冻结。"))
    if hasattr(account, "reissued_as"):
        raise ValidationError(_("该账户已补发新账户，不能解冻。"))
    account.is_active = True
    account.frozen_at = None
    account.frozen_reason = ""
    account.save(update_fields=["is_active", "frozen_at", "frozen_reason"])
    login_reset_for(account.username)  # Redis, not transactional: harmless if this rolls back
    _sync_guardian(account)
    record_event(actor=unfrozen_by, action="account.unfreeze", target=account)
    return account


def _reissued_username(username: str) -> str:
    base = username.split("~")[0]
    index = 2
    while User.objects.filter(username=f"{base}~{index}").exists():
        index += 1
    return f"{base}~{index}"


@transaction.atomic
def account_reissue(*, account: User, reissued_by: User, note: str = "") -> tuple[User, str]:
    """A lost account is frozen and a new one issued to the same person (platform rules art. 9).

    The old account stays frozen forever so that everything it did remains attributable.
    """
    account = User.objects.select_for_update().get(pk=account.pk)
    _require_above(reissued_by, account)
    if hasattr(account, "reissued_as"):
        raise ValidationError(_("该账户已补发过新账户。"))
    if account.is_active:
        account_freeze(account=account, frozen_by=reissued_by, reason=FreezeReason.LOST, note=note)
        account.refresh_from_db()
    password = generate_temporary_password()
    new_account = User(
        username=_reissued_username(account.username),
        full_name=account.full_name,
        email=account.email,
        phone=account.phone,
        department=account.department,
        roles=list(account.roles),
        must_change_password=True,
        reissued_from=account,
    )
    new_account.set_password(password)
    new_account.save()
    _sync_guardian(new_account)
    record_event(
        actor=reissued_by,
        action="account.reissue",
        target=new_account,
        details={"old": account.username, "new": new_account.username, "note": note},
    )
    return new_account, password


@transaction.atomic
def account_change_password(*, account: User, new_password: str) -> User:
    validate_password(new_password, account)
    account.set_password(new_password)
    account.must_change_password = False
    account.save(update_fields=["password", "must_change_password"])
    record_event(actor=account, action="account.change_password", target=account)
    return account


@transaction.atomic
def account_reset_password(*, account: User, reset_by: User) -> tuple[User, str]:
    """A new one-time password, shown once to the admin; it opens nothing but the password change
    (PasswordChangeRequiredMiddleware for pages, accounts.authentication for the API)."""
    account = User.objects.select_for_update().get(pk=account.pk)
    _require_above(reset_by, account)
    password = generate_temporary_password()
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    login_reset_for(account.username)  # Redis, not transactional: harmless if this rolls back
    record_event(actor=reset_by, action="account.reset_password", target=account)
    return account, password


# Logins ----------------------------------------------------------------------------------------------


@transaction.atomic
def login_record_success(*, account: User, address: str) -> None:
    """One event per interactive (session) login. HTTP Basic API calls authenticate every request
    and write none; failures are aggregated by accounts.logins (one event per lock-out)."""
    record_event(actor=account, action="auth.login", target=account, details={"address": address})
