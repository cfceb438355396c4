"""Who may see and change registry entries. One access function per object type.

The rule of the two registries (issue 3):
- the joint-meeting office sees and edits everything;
- a department sees the objects it supervises (an ObjectSupervision row with status "claimed" for
  that department) and its own inspectors; it edits them when the user holds a working role there
  (department admin, liaison or staff: inspectors and witnesses only read);
- nobody else sees anything.

Access functions raise Http404 both for "missing" and for "not yours", so an outsider cannot learn
whether another department's entry exists.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.roles import IsMember, IsOfficeAdmin, has_working_role, is_office_admin
from accounts.roles import is_member as _is_member
from accounts.types import RequestUser
from registries.models import InspectionObject, Inspector, ObjectSupervision

is_registry_office = is_office_admin
IsRegistryUser = IsMember
"""Any active member of a department; object-level checks go through the access functions."""
IsRegistryOffice = IsOfficeAdmin


def can_edit_registry(user: RequestUser) -> TypeGuard[User]:
    """The user holds a role that may change registry entries (of their own department)."""
    return is_office_admin(user) or has_working_role(user)


def supervised_condition(department_id: int) -> Q:
    """Objects a department supervises: its claim on them is settled (not disputed)."""
    return Q(
        pk__in=ObjectSupervision.objects.filter(
            department_id=department_id, status=ObjectSupervision.Status.CLAIMED
        ).values("inspection_object_id")
    )


def objects_visible_to(user: RequestUser) -> QuerySet[InspectionObject]:
    """The objects a user may see (no ordering or joins added: selectors do that)."""
    if not _is_member(user) or user.department_id is None:
        return InspectionObject.objects.none()
    if is_office_admin(user):
        return InspectionObject.objects.all()
    return InspectionObject.objects.filter(supervised_condition(user.department_id))


def access_object_for_user(
    user: RequestUser, object_id: Any, *, for_change: bool = False
) -> InspectionObject:
    """The object if the user may see it (or change it, with for_change=True); Http404 otherwise."""
    if not _is_member(user):
        raise Http404
    if for_change and not can_edit_registry(user):
        raise Http404
    try:
        inspection_object = objects_visible_to(user).get(pk=int(object_id))
    except (InspectionObject.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return inspection_object


def inspectors_visible_to(user: RequestUser) -> QuerySet[Inspector]:
    if not _is_member(user) or user.department_id is None:
        return Inspector.objects.none()
    if is_office_admin(user):
        return Inspector.objects.all()
    return Inspector.objects.filter(department_id=user.department_id)


def access_inspector_for_user(
    user: RequestUser, inspector_id: Any, *, for_change: bool = False
) -> Inspector:
    """The inspector if they belong to the user's department (or the user is the office); Http404
    otherwise. Changing needs a working role (department admin, liaison or staff)."""
    if not _is_member(user):
        raise Http404
    if for_change and not can_edit_registry(user):
        raise Http404
    try:
        inspector = (
            inspectors_visible_to(user).select_related("department").get(pk=int(inspector_id))
        )
    except (Inspector.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return inspector


def access_dispute_for_user(user: RequestUser, supervision_id: Any) -> ObjectSupervision:
    """A supervision claim in dispute: the office resolves it; nobody else learns it exists."""
    if not is_office_admin(user):
        raise Http404
    try:
        return ObjectSupervision.objects.select_related("inspection_object", "department").get(
            pk=int(supervision_id)
        )
    except (ObjectSupervision.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
