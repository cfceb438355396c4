import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from catalog.choices import MatterStatus, ProposalKind, ProposalStatus
from catalog.services import proposal_reject, proposal_submit


def test_rejecting_keeps_the_list_and_records_the_reason(office_admin, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    proposal = proposal_reject(
        proposal=proposal, rejected_by=office_admin, decision_reason="仍在施行"
    )
    assert proposal.status == ProposalStatus.REJECTED
    assert proposal.decision_reason == "仍在施行"
    matter.refresh_from_db()
    assert matter.status == MatterStatus.ACTIVE
    assert AuditEvent.objects.filter(action="matter_proposal.reject").exists()


def test_a_reason_is_required(office_admin, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    with pytest.raises(ValidationError):
        proposal_reject(proposal=proposal, rejected_by=office_admin, decision_reason="")


def test_departments_cannot_reject(staff_b, staff_a, matter):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="r"
    )
    with pytest.raises(PermissionDenied):
        proposal_reject(proposal=proposal, rejected_by=staff_b, decision_reason="x")
