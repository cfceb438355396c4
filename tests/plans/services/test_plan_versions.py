"""plan_submit_for_approval, plan_approve, plan_return, plan_publish, plan_adjust_start: versions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from plans import services
from plans.snapshot import snapshot_digest
from tests.plans.conftest import item_kwargs


@pytest.fixture
def compiled(plan_year, office_admin, liaison_a, department_a, general_matter, objects, make_item):
    make_item(plan_year, department_a, liaison_a, [general_matter])
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    return plan_year


def test_approval_freezes_version_one_with_its_audit_hash(compiled, office_admin):
    services.plan_submit_for_approval(plan_year=compiled, submitted_by=office_admin)
    version = services.plan_approve(plan_year=compiled, approved_by=office_admin, comment="同意")
    assert (version.number, version.status, version.comment) == (1, "approved", "同意")
    event = AuditEvent.objects.get(action="plan.approve")
    assert version.audit_hash == event.hash
    assert event.details["snapshot_sha256"] == snapshot_digest(version.snapshot)
    assert version.snapshot["items"][0]["title"] == "食品生产企业双随机抽查"
    assert set(compiled.items.values_list("status", flat=True)) == {"approved"}


def test_approval_needs_the_plan_submitted_for_approval(compiled, office_admin):
    with pytest.raises(ValidationError):
        services.plan_approve(plan_year=compiled, approved_by=office_admin)


def test_submit_for_approval_waits_for_merge_decisions_and_returned_departments(
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
    make_item(plan_year, department_b, liaison_b, [key_matter])
    services.plan_department_submit(
        plan_year=plan_year, department=department_a, submitted_by=liaison_a
    )
    services.plan_department_submit(
        plan_year=plan_year, department=department_b, submitted_by=liaison_b
    )
    services.plan_compile(plan_year=plan_year, compiled_by=office_admin)
    with pytest.raises(ValidationError, match="合并方案待处理"):
        services.plan_submit_for_approval(plan_year=plan_year, submitted_by=office_admin)
    services.merge_proposal_reject(
        proposal=plan_year.merge_proposals.get(), rejected_by=office_admin
    )
    services.plan_department_return(
        plan_year=plan_year, department=department_b, returned_by=office_admin, reason="补充"
    )
    with pytest.raises(ValidationError, match="尚未重新报送"):
        services.plan_submit_for_approval(plan_year=plan_year, submitted_by=office_admin)


def test_return_sends_the_plan_back_with_a_comment(compiled, office_admin):
    services.plan_submit_for_approval(plan_year=compiled, submitted_by=office_admin)
    with pytest.raises(ValidationError):
        services.plan_return(plan_year=compiled, returned_by=office_admin, comment="")
    plan_year = services.plan_return(
        plan_year=compiled, returned_by=office_admin, comment="联合占比不足"
    )
    assert plan_year.status == "compiling"
    assert plan_year.versions.get().returned_comment == "联合占比不足"


def test_only_office_admins_approve(compiled, office_admin, dept_admin_a):
    services.plan_submit_for_approval(plan_year=compiled, submitted_by=office_admin)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan_year=compiled, approved_by=dept_admin_a)


def test_publish_makes_the_version_current(published_plan):
    version = published_plan.current_version
    assert version.published_at is not None
    assert published_plan.status == "published"


def test_adjustment_opens_v2_and_public_keeps_v1_until_v2_is_approved_and_published(
    published_plan, office_admin, liaison_a, department_a, general_matter
):
    # given an adjustment with a reason
    draft = services.plan_adjust_start(
        plan_year=published_plan, reason="新增农村集贸市场专项", by=office_admin
    )
    assert (draft.number, draft.status, draft.reason) == (2, "draft", "新增农村集贸市场专项")
    published_plan.refresh_from_db()
    assert published_plan.status == "adjusting"
    # when the office adds an item and the plan is approved again
    services.plan_item_create(
        plan_year=published_plan,
        department=department_a,
        created_by=office_admin,
        **item_kwargs(
            [general_matter], title="农村集贸市场专项", window_start_month=9, window_end_month=10
        ),
    )
    services.plan_submit_for_approval(plan_year=published_plan, submitted_by=office_admin)
    published_plan.refresh_from_db()
    assert published_plan.current_version.number == 1
    v2 = services.plan_approve(
        plan_year=published_plan, approved_by=office_admin, comment="同意调整"
    )
    published_plan.refresh_from_db()
    assert published_plan.current_version.number == 1  # approved but not yet published
    services.plan_publish(plan_year=published_plan, published_by=office_admin)
    published_plan.refresh_from_db()
    # then v2 is current and v1 is history, unchanged
    assert published_plan.current_version == v2
    assert len(v2.snapshot["items"]) == 3
    assert len(published_plan.versions.get(number=1).snapshot["items"]) == 2


def test_adjustment_needs_a_reason(published_plan, office_admin):
    with pytest.raises(ValidationError):
        services.plan_adjust_start(plan_year=published_plan, reason=" ", by=office_admin)


def test_adjustment_needs_an_approved_plan(compiled, office_admin):
    with pytest.raises(ValidationError):
        services.plan_adjust_start(plan_year=compiled, reason="调整", by=office_admin)


def test_a_department_changes_items_during_an_adjustment_after_the_office_returns_it(
    published_plan, office_admin, liaison_a, department_a, general_matter
):
    services.plan_adjust_start(plan_year=published_plan, reason="调整时间", by=office_admin)
    item = published_plan.items.get(department=department_a)
    with pytest.raises(ValidationError):
        services.plan_item_update(
            item=item,
            updated_by=liaison_a,
            **item_kwargs([general_matter], window_start_month=7, window_end_month=8),
        )
    services.plan_department_return(
        plan_year=published_plan,
        department=department_a,
        returned_by=office_admin,
        reason="请调整时间",
    )
    services.plan_item_update(
        item=item,
        updated_by=liaison_a,
        **item_kwargs([general_matter], window_start_month=7, window_end_month=8),
    )
    submission = services.plan_department_submit(
        plan_year=published_plan, department=department_a, submitted_by=liaison_a
    )
    assert submission.is_late is False  # adjustments have no reporting deadline
