"""Void with office approval, redraw referencing the old draw, failures, single-department
witnesses, candidate rules and replacement draws."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from registries.choices import ObjectKind, RecusalReason, RecusalStatus
from registries.models import InspectionObject, Recusal
from tasks.choices import DrawKind, DrawState, ReviewRole, TaskStatus
from tasks.draw.protocol import DrawFailed
from tasks.draw.verify import verify_bundle
from tasks.models import DrawnObject, GroupMember
from tasks.services.bundles import draw_bundle
from tasks.services.ceremony import current_members
from tasks.services.draws import (
    draw_reveal,
    draw_void_decide,
    draw_void_request,
    draw_withdraw,
    review_confirm,
    task_push_to_review,
)
from tasks.services.replacements import replacement_announce
from tasks.services.snapshots import snapshot_task
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(joint_task, staff_a, staff_b, run_on_commit):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="111")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    return draw


def test_void_needs_office_approval_and_redraw_references_it(
    drawn, staff_a, staff_b, office_admin, run_on_commit
):
    # given
    draw_void_request(draw=drawn, requested_by=staff_a, reason="范围设置错误")
    with pytest.raises(PermissionDenied):
        draw_void_decide(draw=drawn, decided_by=staff_a, approve=True)
    # when
    draw_void_decide(draw=drawn, decided_by=office_admin, approve=True)
    # then
    drawn.refresh_from_db()
    assert drawn.state == DrawState.VOIDED
    assert drawn.log_entries.order_by("-seq").first().type == "void"
    report = verify_bundle(draw_bundle(drawn, public=False))
    assert report.valid and report.voided
    assert DrawnObject.objects.filter(draw=drawn).exists()  # the drawn list is kept, never deleted
    redraw = task_push_to_review(task=drawn.task, pushed_by=staff_a)
    assert redraw.redraw_of == drawn and "范围设置错误" in redraw.redraw_reason
    review_confirm(review=redraw.reviews.get(), confirmed_by=staff_b, witness="222")
    run_on_commit(draw_reveal, draw=redraw, revealed_by=staff_a)
    redraw.refresh_from_db()
    assert redraw.state == DrawState.DRAWN


def test_void_refused_keeps_the_draw(drawn, staff_a, office_admin):
    draw_void_request(draw=drawn, requested_by=staff_a, reason="误操作")
    with pytest.raises(ValidationError):
        draw_void_decide(draw=drawn, decided_by=office_admin, approve=False)
    draw_void_decide(draw=drawn, decided_by=office_admin, approve=False, comment="理由不充分")
    drawn.refresh_from_db()
    assert drawn.state == DrawState.DRAWN and drawn.void_requested_at is None


def test_drawn_task_cannot_be_pushed_again(drawn, staff_a):
    with pytest.raises(ValidationError):
        task_push_to_review(task=drawn.task, pushed_by=staff_a)


def test_failed_draw_is_logged_in_its_own_transaction(joint_task, staff_a, staff_b, run_on_commit):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="9")
    with mock.patch(
        "tasks.services.execution.draw_groups",
        side_effect=DrawFailed("object X could not be placed", "X", 20),
    ):
        run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    assert draw.state == DrawState.FAILED
    assert [e.type for e in draw.log_entries.order_by("seq")] == [
        "announce",
        "witness",
        "reveal",
        "draw_failed",
    ]
    assert "20 次尝试" in draw.failure_reason
    assert draw.task.status == TaskStatus.DRAFT
    redraw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    assert redraw.redraw_of == draw


def test_withdraw_by_lead_logs_a_void_entry(joint_task, staff_a):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    draw_withdraw(draw=draw, withdrawn_by=staff_a, reason="调整检查时间")
    draw.refresh_from_db()
    assert draw.state == DrawState.WITHDRAWN
    assert draw.log_entries.get(type="void").data["withdrawn"] == "announcement"


def test_single_department_task_needs_a_second_person(
    registry, staff_a, witness_a, dept_admin_a, office_admin, run_on_commit
):
    # given
    task = approve(
        make_task(staff_a, groups=2, composition={"DEPA": 2}, second_witness=witness_a),
        office_admin,
    )
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review = draw.reviews.get()
    assert review.role == ReviewRole.SECOND_PERSON
    # the announcer cannot be their own witness, nor can anyone but the named witness
    for other in (staff_a, dept_admin_a):
        with pytest.raises(PermissionDenied):
            review_confirm(review=review, confirmed_by=other, witness="1")
    # when
    review_confirm(review=review, confirmed_by=witness_a, witness="骰子 5 3 6")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    # then
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN
    assert draw.reviews.get().witness_name == witness_a.full_name
    assert verify_bundle(draw_bundle(draw, public=False)).valid


def test_ad_hoc_task_needs_approval_before_review(registry, staff_a, department_b):
    task = make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1})
    with pytest.raises(ValidationError):
        task_push_to_review(task=task, pushed_by=staff_a)


def test_low_risk_objects_drawn_to_the_yearly_limit_are_left_out(
    drawn, staff_a, department_b, office_admin
):
    # given: the office limit is 1 a year (003 II says 2; 1 keeps the test small)
    from tasks.models import TaskPolicy

    TaskPolicy.objects.update_or_create(pk=1, defaults={"low_risk_yearly_limit": 1})
    drawn_a = set(
        DrawnObject.objects.filter(draw=drawn, inspection_object__risk_class="A").values_list(
            "code", flat=True
        )
    )
    assert drawn_a
    second = approve(
        make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1}),
        office_admin,
    )
    # when
    snapshot = snapshot_task(second)
    # then
    codes = {c.uscc for c in snapshot.inputs.candidates}
    assert not drawn_a & codes
    assert snapshot.notes["excluded_low_risk_limit"] == len(drawn_a)
    drawn_b = set(
        DrawnObject.objects.filter(draw=drawn, inspection_object__risk_class="B").values_list(
            "code", flat=True
        )
    )
    assert drawn_b <= codes


def test_non_uscc_objects_are_left_out_with_a_note(joint_task):
    InspectionObject.objects.create(
        kind=ObjectKind.ENTERPRISE, code="LOCAL-0001", name="无代码企业", region_code="330102"
    )
    InspectionObject.objects.create(
        kind=ObjectKind.PRODUCT, code="PROD-1", name="产品", region_code="330102"
    )
    snapshot = snapshot_task(joint_task)
    assert snapshot.notes["excluded_not_uscc"] == 1
    assert len(snapshot.inputs.candidates) == 40


def test_confirmed_recusals_become_conflict_rows(joint_task, registry, staff_a):
    Recusal.objects.create(
        inspector=registry["a"][0],
        inspection_object=registry["objects"][5],
        reason=RecusalReason.RELATIVE,
        status=RecusalStatus.CONFIRMED,
        declared_by=staff_a,
    )
    Recusal.objects.create(
        inspector=registry["a"][1],
        inspection_object=registry["objects"][6],
        reason=RecusalReason.RELATIVE,
        status=RecusalStatus.DECLARED,
        declared_by=staff_a,
    )
    rows = [c.row for c in snapshot_task(joint_task).inputs.conflicts]
    assert rows == [f"{registry['a'][0].code},{registry['objects'][5].code}"]


def test_load_counts_groups_held_in_overlapping_tasks(drawn, staff_a, department_b, office_admin):
    member = GroupMember.objects.filter(draw=drawn).first()
    second = approve(
        make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1}),
        office_admin,
    )
    rows = {i.inspector_id: i for i in snapshot_task(second).inputs.inspectors}
    assert rows[member.code].load == 1
    later = approve(
        make_task(
            staff_a,
            participants=[department_b],
            composition={"DEPA": 1, "DEPB": 1},
            start_date=timezone.localdate() + timedelta(days=200),
            end_date=timezone.localdate() + timedelta(days=220),
        ),
        office_admin,
    )
    assert {i.inspector_id: i for i in snapshot_task(later).inputs.inspectors}[
        member.code
    ].load == 0


@pytest.mark.parametrize("replace_leader", [False, True])
def test_replacement_draw_replaces_one_member_from_the_same_pool(
    drawn, staff_a, staff_b, replace_leader, run_on_commit
):
    # given
    group = current_members(drawn).filter(group_id="G001")
    member = (
        group.get(is_leader=replace_leader) if replace_leader else group.get(department_code="DEPB")
    )
    before = {m.code for m in group}
    # when
    replacement = replacement_announce(
        draw=drawn, inspector_code=member.code, reason="因病住院", announced_by=staff_a
    )
    review_confirm(review=replacement.reviews.get(), confirmed_by=staff_b, witness="77")
    run_on_commit(draw_reveal, draw=replacement, revealed_by=staff_a)
    # then
    replacement.refresh_from_db()
    assert replacement.state == DrawState.DRAWN and replacement.kind == DrawKind.REPLACEMENT
    assert verify_bundle(draw_bundle(replacement, public=False)).valid
    members = list(current_members(drawn).filter(group_id="G001"))
    codes = {m.code for m in members}
    assert member.code not in codes and len(members) == 2
    assert sum(m.is_leader for m in members) == 1
    leader = next(m for m in members if m.is_leader)
    assert leader.department_code == "DEPA"
    taken_elsewhere = set(
        current_members(drawn).exclude(group_id="G001").values_list("code", flat=True)
    )
    assert not codes & taken_elsewhere
    new = next(m for m in members if m.added_by_id == replacement.pk and m.code not in before)
    assert new.department_code == member.department_code
    assert GroupMember.objects.get(pk=member.pk).replaced_by_id == replacement.pk


def test_task_created_from_plan_item_takes_its_scope_and_ratios(
    staff_a, department_a, department_b, office_admin
):
    from plans.choices import PlanItemStatus, PlanYearStatus
    from plans.models import PlanItem, PlanYear
    from tasks.services.tasks import task_create
    from tests.tasks.factories import make_matter

    year = PlanYear.objects.create(
        year=2026,
        status=PlanYearStatus.APPROVED,
        submission_deadline=date(2025, 11, 30),
        approval_deadline=date(2025, 12, 31),
        opened_by=office_admin,
        opened_at=timezone.now(),
    )
    matter = make_matter()
    item = PlanItem.objects.create(
        plan_year=year,
        department=department_a,
        title="食品经营联合抽查",
        scope={"region_prefixes": ["3301"]},
        ratios={"A": 300, "B": 500, "C": 1000, "D": 2000},
        window_start_month=3,
        window_end_month=5,
        status=PlanItemStatus.APPROVED,
        created_by=staff_a,
    )
    item.matters.add(matter)
    item.participating_departments.add(department_b)
    common = make_matter(is_common=True, name="年报公示")
    task = task_create(
        created_by=staff_a,
        title="",
        matters=[],
        start_date=date(2026, 3, 10),
        end_date=date(2026, 4, 10),
        plan_item=item,
    )
    assert task.status == TaskStatus.DRAFT and not task.is_adhoc
    assert task.strata["C"] == {"rate_bp": 1000}
    assert list(task.participating_departments.all()) == [department_b]
    assert set(task.matters.all()) == {matter, common}
