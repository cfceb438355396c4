"""Who a notice reaches: users, a department's liaison, a department's admins, the office.

Only active accounts receive anything. A department's liaison is the one it designated
(`Department.liaison`); until it designates one, its liaison-role accounts stand in, and a
department with neither falls back to its admins, so a department-level notice is never lost.
The office's status page flags departments without a designated liaison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from accounts.choices import DepartmentKind, Role
from accounts.models import Department, User


def _active() -> Q:
    return Q(is_active=True)


def department_liaison_ids(department_ids: Iterable[int]) -> dict[int, list[int]]:
    """Department id → the account ids its department-level notices go to (see module doc)."""
    wanted = sorted(set(department_ids))
    if not wanted:
        return {}
    designated = dict(
        Department.objects.filter(
            pk__in=wanted, liaison__isnull=False, liaison__is_active=True
        ).values_list("pk", "liaison_id")
    )
    # The designated liaison must still belong to the department (a moved account stops
    # receiving its former department's notices).
    valid_designated = set(
        User.objects.filter(
            pk__in=designated.values(), department_id__in=designated.keys(), is_active=True
        ).values_list("pk", "department_id")
    )
    result: dict[int, list[int]] = {}
    for department_id, user_id in designated.items():
        if (user_id, department_id) in valid_designated:
            result[department_id] = [user_id]
    missing = [department_id for department_id in wanted if department_id not in result]
    if missing:
        fallback: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        rows = (
            User.objects.filter(_active(), department_id__in=missing)
            .filter(Q(roles__contains=[Role.LIAISON]) | Q(roles__contains=[Role.DEPARTMENT_ADMIN]))
            .order_by("pk")
            .values_list("pk", "department_id", "roles")
        )
        for user_id, department_id, roles in rows:
            if Role.LIAISON in roles:
                fallback[department_id]["liaison"].append(user_id)
            if Role.DEPARTMENT_ADMIN in roles:
                fallback[department_id]["admin"].append(user_id)
        for department_id in missing:
            found = fallback.get(department_id, {})
            result[department_id] = found.get("liaison") or found.get("admin") or []
    return result


def department_admin_ids(department_ids: Iterable[int]) -> dict[int, list[int]]:
    """Department id → its active department admins."""
    wanted = sorted(set(department_ids))
    result: dict[int, list[int]] = {department_id: [] for department_id in wanted}
    if not wanted:
        return result
    rows = (
        User.objects.filter(
            _active(), department_id__in=wanted, roles__contains=[Role.DEPARTMENT_ADMIN]
        )
        .order_by("pk")
        .values_list("pk", "department_id")
    )
    for user_id, department_id in rows:
        result[department_id].append(user_id)
    return result


def office_admin_ids() -> list[int]:
    """The joint-meeting office's active admins."""
    return list(
        User.objects.filter(
            _active(),
            roles__contains=[Role.OFFICE_ADMIN],
            department__kind=DepartmentKind.OFFICE,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def active_user_ids(user_ids: Iterable[int]) -> set[int]:
    wanted = set(user_ids)
    if not wanted:
        return set()
    return set(User.objects.filter(_active(), pk__in=wanted).values_list("pk", flat=True))
