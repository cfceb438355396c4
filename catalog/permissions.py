"""Who may do what with the matter list.

The list is public (it is published for citizens), so every signed-in user reads every matter.
Only office admins change it (000 art. 7: departments may not add or drop matters at will);
department staff, liaisons and admins propose changes for their own department. Access functions
raise Http404 both for "missing" and for "not yours".
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import IsOfficeAdmin, RolePermission, is_department_worker, is_office_admin
from accounts.types import RequestUser
from catalog.models import Matter, MatterChangeProposal, MatterImport

__all__ = ["CanPropose", "IsOfficeAdmin"]


def can_edit_matters(user: RequestUser) -> bool:
    return is_office_admin(user)


def can_propose(user: RequestUser) -> bool:
    """A working role (staff, liaison, department admin) in a member department."""
    return is_department_worker(user)


def access_matter_for_user(user: RequestUser, matter_id: int, *, edit: bool = False) -> Matter:
    matter = get_object_or_404(Matter, pk=matter_id)
    if not user.is_authenticated:
        raise Http404
    if edit and not can_edit_matters(user):
        raise Http404
    return matter


def access_proposal_for_user(
    user: RequestUser, proposal_id: int, *, decide: bool = False
) -> MatterChangeProposal:
    """The office sees and decides every proposal; a department sees only its own."""
    proposal = get_object_or_404(
        MatterChangeProposal.objects.select_related(
            "matter", "department", "proposed_by", "decided_by"
        ),
        pk=proposal_id,
    )
    if not user.is_authenticated:
        raise Http404
    if is_office_admin(user):
        return proposal
    if decide:
        raise Http404
    if user.department_id != proposal.department_id:
        raise Http404
    return proposal


def access_import_for_user(user: RequestUser, import_id: int) -> MatterImport:
    matter_import = get_object_or_404(MatterImport.objects.defer("content"), pk=import_id)
    if not can_edit_matters(user):
        raise Http404
    return matter_import


CanPropose = RolePermission.of(can_propose)
