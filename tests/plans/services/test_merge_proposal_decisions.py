"""merge_proposal_update / merge_proposal_accept / merge_proposal_reject."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from plans import services


@pytest.fixture
def proposal(
    plan_year,
    office_admin,
    liaison_a,
    liaison_b,
    department_a,
    department_b,
    general_matter,
    key_matter,
    make_item,
):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    make_item(
        plan_year, department_b, liaison_b, [key_matter], window_start_month=5, window_end_month=9
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_b, submitted_by=liaison_b
    )
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    return plan_year.merge_proposals.get()


def test_accept_merges_the_items_under_the_lead(proposal, office_admin):
    services.merge_proposal_accept(proposal=proposal, accepted_by=office_admin, comment="一次进门")
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert set(proposal.merged_items.values_list("pk", flat=True)) == set(
        proposal.items.values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(action="merge_proposal.accept").exists()
    with pytest.raises(ValidationError):
        services.merge_proposal_reject(proposal=proposal, rejected_by=office_admin)


def test_reject_leaves_the_items_separate(proposal, office_admin):
    services.merge_proposal_reject(
        proposal=proposal, rejected_by=office_admin, comment="内容差异大"
    )
    assert not proposal.items.filter(merge_proposal__isnull=False).exists()


def test_office_edits_lead_and_window(proposal, office_admin, department_a):
    items = list(proposal.items.all())
    services.merge_proposal_update(
        proposal=proposal,
        updated_by=office_admin,
        lead_department=department_a,
        window_start_month=5,
        window_end_month=5,
        items=items,
    )
    proposal.refresh_from_db()
    assert (proposal.lead_department, proposal.window_start_month) == (department_a, 5)


def test_edit_is_validated(proposal, office_admin, department_a, department_b):
    items = list(proposal.items.all())
    with pytest.raises(ValidationError) as error:
        services.merge_proposal_update(
            proposal=proposal,
            updated_by=office_admin,
            lead_department=department_a,
            window_start_month=11,
            window_end_month=12,
            items=items[:1],
        )
    assert {"items", "window_start_month"} <= set(error.value.message_dict)


def test_only_office_admins_decide(proposal, liaison_a):
    with pytest.raises(PermissionDenied):
        services.merge_proposal_accept(proposal=proposal, accepted_by=liaison_a)
