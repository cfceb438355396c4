import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from catalog.choices import ProposalKind, ProposalStatus
from catalog.services import proposal_submit


def test_staff_propose_a_new_matter_for_their_department(staff_a, department_a):
    proposal = proposal_submit(
        submitted_by=staff_a,
        kind=ProposalKind.ADD,
        payload={
            "name": "电动自行车产品质量检查",
            "implementing_departments": ["DEPA"],
            "category": "key",
        },
        reason="新修订《产品质量法》",
    )
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.department == department_a
    assert proposal.payload["implementing_departments"] == ["DEPA"]
    assert AuditEvent.objects.filter(action="matter_proposal.submit").exists()


def test_liaison_proposes_a_change(liaison_a, matter):
    proposal = proposal_submit(
        submitted_by=liaison_a,
        kind=ProposalKind.CHANGE,
        matter=matter,
        payload={"object_type": "个体工商户"},
        reason="范围扩大",
    )
    assert proposal.matter == matter


def test_department_admin_proposes_retirement(dept_admin_a, matter):
    proposal = proposal_submit(
        submitted_by=dept_admin_a, kind=ProposalKind.RETIRE, matter=matter, reason="法规废止"
    )
    assert proposal.kind == ProposalKind.RETIRE


def test_a_change_identical_to_the_matter_is_refused(staff_a, matter):
    with pytest.raises(ValidationError):
        proposal_submit(
            submitted_by=staff_a,
            kind=ProposalKind.CHANGE,
            matter=matter,
            payload={"name": matter.name},
            reason="x",
        )


@pytest.mark.parametrize(
    ("kind", "with_matter", "payload", "reason"),
    [
        (ProposalKind.ADD, False, {}, "x"),
        (ProposalKind.ADD, False, {"name": "x"}, ""),
        (ProposalKind.CHANGE, False, {"name": "x"}, "x"),
        (ProposalKind.RETIRE, False, {}, "x"),
        (ProposalKind.ADD, True, {"name": "x"}, "x"),
    ],
)
def test_incomplete_proposals_are_refused(staff_a, matter, kind, with_matter, payload, reason):
    with pytest.raises(ValidationError):
        proposal_submit(
            submitted_by=staff_a,
            kind=kind,
            matter=matter if with_matter else None,
            payload=payload,
            reason=reason,
        )


@pytest.mark.parametrize("actor", ["office_admin", "inspector_a", "witness_a"])
def test_only_department_staff_liaisons_and_admins_propose(request, actor):
    with pytest.raises(PermissionDenied):
        proposal_submit(
            submitted_by=request.getfixturevalue(actor),
            kind=ProposalKind.ADD,
            payload={"name": "x"},
            reason="x",
        )
