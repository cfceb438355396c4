"""The liaison system (seed 000, 联络员制度): each department designates one liaison, its contact with
the joint-meeting office, and reports a change to the office. Department-level notices go to the
liaison (accounts.inbox.recipients); the office keeps a contact directory and its status page flags
departments without one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import DepartmentKind, Role
from accounts.inbox.services import notification_send
from accounts.models import Department, User
from accounts.permissions import can_manage_department_accounts


def liaison_candidates(department: Department):
    """The accounts a department may designate: its active liaison-role accounts."""
    return User.objects.filter(
        department=department, is_active=True, roles__contains=[Role.LIAISON]
    ).order_by("full_name", "username")


@transaction.atomic
def department_set_liaison(
    *, department: Department, liaison: User | None, set_by: User
) -> Department:
    """Designate (or, with None, withdraw) the department's liaison. Its own department admin or
    an office admin may; the liaison must be an active liaison-role account of the department.
    The office is told, as the liaison system asks."""
    if not can_manage_department_accounts(set_by, department):
        raise PermissionDenied(_("只有本部门系统管理员或联席办管理员可以指定联络员。"))
    department = Department.objects.select_for_update().get(pk=department.pk)
    if department.kind != DepartmentKind.DEPARTMENT:
        raise ValidationError(_("联席会议办公室不指定部门联络员。"))
    if liaison is not None:
        if liaison.department_id != department.pk:
            raise ValidationError({"liaison": _("联络员必须是本部门的账户。")})
        if not liaison.is_active:
            raise ValidationError({"liaison": _("已冻结的账户不能担任联络员。")})
        if Role.LIAISON not in liaison.roles:
            raise ValidationError({"liaison": _("请先为该账户授予“联络员”角色。")})
    before = department.liaison
    if (before.pk if before else None) == (liaison.pk if liaison else None):
        return department
    department.liaison = liaison
    department.liaison_since = timezone.now() if liaison is not None else None
    department.save(update_fields=["liaison", "liaison_since"])
    record_event(
        actor=set_by,
        action="department.liaison_set",
        target=department,
        details={
            "before": before.username if before else None,
            "after": liaison.username if liaison else None,
        },
    )
    title = _("%(department)s 联络员变更") % {"department": department.display_name}
    body = _("联络员：%(before)s → %(after)s") % {
        "before": before.full_name if before else _("（未指定）"),
        "after": liaison.full_name if liaison else _("（未指定）"),
    }
    notification_send(
        kind="accounts.liaison_set",
        office=True,
        users=[liaison] if liaison is not None else [],
        department=department,
        title=title,
        body=body,
        url=reverse("accounts:contact_directory"),
    )
    return department


@dataclass(frozen=True)
class DepartmentContacts:
    department: Department
    liaison: User | None  # the designated one, if active and still in the department
    stand_ins: list[User]  # liaison-role accounts that receive notices while none is designated
    admins: list[User]

    @property
    def has_designated_liaison(self) -> bool:
        return self.liaison is not None

    @property
    def notices_reach(self) -> list[User]:
        if self.liaison is not None:
            return [self.liaison]
        return self.stand_ins or self.admins


def contact_directory() -> list[DepartmentContacts]:
    """Every active member department with its liaison, stand-ins and admins (three queries)."""
    departments = list(
        Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True)
        .select_related("liaison")
        .order_by("code")
    )
    people: dict[int, list[User]] = {department.pk: [] for department in departments}
    for user in (
        User.objects.filter(department_id__in=people, is_active=True)
        .filter(roles__overlap=[Role.LIAISON, Role.DEPARTMENT_ADMIN])
        .order_by("full_name", "username")
    ):
        if user.department_id is not None:
            people[user.department_id].append(user)
    directory = []
    for department in departments:
        liaison = department.liaison
        if liaison is not None and (
            not liaison.is_active or liaison.department_id != department.pk
        ):
            liaison = None
        members = people[department.pk]
        directory.append(
            DepartmentContacts(
                department=department,
                liaison=liaison,
                stand_ins=[u for u in members if Role.LIAISON in u.roles],
                admins=[u for u in members if Role.DEPARTMENT_ADMIN in u.roles],
            )
        )
    return directory


def departments_without_liaison() -> list[DepartmentContacts]:
    """For the office's status page: departments whose designated liaison is missing or frozen."""
    return [entry for entry in contact_directory() if not entry.has_designated_liaison]
