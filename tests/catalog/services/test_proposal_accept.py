import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.choices import MatterStatus, ProposalKind, ProposalStatus
from catalog.models import Matter
from catalog.services import proposal_accept, proposal_submit


def test_accepting_an_add_creates_the_matter(office_admin, staff_a):
    proposal = proposal_submit(
        submitted_by=staff_a,
        kind=ProposalKind.ADD,
        payload={"name": "电梯维保检查", "implementing_departments": ["DEPA"]},
        reason="r",
    )
    proposal = proposal_accept(
        proposal=proposal, accepted_by=office_admin, decision_reason="同意", code="NEW-1"
    )
    assert proposal.status == ProposalStatus.ACCEPTED
    matter = Matter.objects.get(code="NEW-1")
    assert proposal.matter == matter
    assert matter.revisions.get().proposal == proposal


def test_accepting_an_add_without_a_code_generates_one(office_admin, staff_a):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.ADD, payload={"name": "x"}, reason="r"
    )
    proposal = proposal_accept(proposal=proposal, accepted_by=office_admin)
    assert proposal.matter.code == f"JY-{proposal.pk:05d}"


def test_accepting_a_change_updates_through_the_edit_service(office_admin, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a,
        kind=ProposalKind.CHANGE,
        matter=matter,
        payload={"object_type": "农民专业合作社"},
        reason="r",
    )
    proposal_accept(proposal=proposal, accepted_by=office_admin)
    matter.refresh_from_db()
    assert matter.object_type == "农民专业合作社"
    assert matter.revision == 2
    assert f"#{proposal.pk}" in matter.revisions.get(revision=2).reason


def test_accepting_a_retirement_retires(office_admin, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    proposal_accept(proposal=proposal, accepted_by=office_admin)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.RETIRED


def test_a_decided_proposal_cannot_be_decided_again(office_admin, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    proposal_accept(proposal=proposal, accepted_by=office_admin)
    with pytest.raises(ValidationError):
        proposal_accept(proposal=proposal, accepted_by=office_admin)


def test_departments_cannot_accept(dept_admin_a, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    with pytest.raises(PermissionDenied):
        proposal_accept(proposal=proposal, accepted_by=dept_admin_a)
