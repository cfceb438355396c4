"""Steering the candidates (issue 10): a task drawn as approved, and only as approved.

- a task made from an approved plan item takes its participants, rates and scope from the item;
  any deviation needs the office's approval, whatever the form or the API posts;
- an ad-hoc task's approval covers exactly what was approved: a later change of scope, rates,
  matters or participants sends it back to "awaiting approval", and the draw's params equal the
  approved version;
- per-class rates stay within the matter list's caps (general matters capped, key ones to 100 %).
"""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from catalog.choices import MatterCategory
from tasks.choices import TaskStatus
from tasks.models import Draw
from tasks.services.draws import task_push_to_review
from tasks.services.tasks import (
    task_approve,
    task_create,
    task_submit_for_approval,
    task_update,
)
from tests.tasks.factories import (
    STRATA,
    approve,
    default_dates,
    make_matter,
    make_plan_item,
    make_task,
)

pytestmark = pytest.mark.django_db

ALL_IN = {c: {"rate_bp": 10000} for c in "ABCD"}


@pytest.fixture
def plan_item(registry, department_a, department_b, staff_a, office_admin):
    return make_plan_item(department_a, staff_a, office_admin, participants=[department_b])


def _from_plan(staff_a, plan_item, **overrides):
    start, end = default_dates()
    kwargs = dict(
        created_by=staff_a,
        title="",
        matters=[],
        start_date=start,
        end_date=end,
        plan_item=plan_item,
        groups=1,
        group_composition={"DEPA": 2},
    )
    kwargs.update(overrides)
    return task_create(**kwargs)


def test_task_that_follows_its_plan_item_goes_to_review_without_approval(plan_item, staff_a):
    task = _from_plan(staff_a, plan_item, group_composition={"DEPA": 1, "DEPB": 1})
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    assert draw.params["strata"] == {c: {"rate_bp": r} for c, r in plan_item.ratios.items()}
    assert draw.params["filters"]["machine"] == plan_item.scope


def test_plan_task_that_drops_the_joint_review_and_draws_everything_needs_approval(
    plan_item, staff_a, office_admin, witness_a
):
    # given: the attack — no participants, 100 % of every class, scope narrowed to one grid
    task = _from_plan(
        staff_a,
        plan_item,
        participating_departments=[],
        strata=ALL_IN,
        scope={"region_prefixes": ["330102"]},
        second_witness=witness_a,
    )
    assert task.deviates_from_plan
    # when / then: it cannot be announced without the office
    with pytest.raises(ValidationError, match="联席办"):
        task_push_to_review(task=task, pushed_by=staff_a)
    assert not Draw.objects.filter(task=task).exists()
    # a deviation needs a reason before it goes to the office
    with pytest.raises(ValidationError):
        task_submit_for_approval(task=task, submitted_by=staff_a)
    task = task_update(task=task, updated_by=staff_a, deviation_reason="专项整治需要")
    task = task_submit_for_approval(task=task, submitted_by=staff_a)
    assert task.status == TaskStatus.PENDING_APPROVAL
    task = task_approve(task=task, approved_by=office_admin)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    assert draw.params["strata"] == ALL_IN


def test_plan_task_attack_through_the_api_is_held_for_approval(plan_item, staff_a, api_client_for):
    start, end = default_dates()
    response = api_client_for(staff_a).post(
        "/api/v1/tasks/create/",
        {
            "plan_item": plan_item.pk,
            "participating_departments": [],
            "strata": ALL_IN,
            "scope": {"region_prefixes": ["330102"]},
            "group_composition": {"DEPA": 2},
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    task_id = response.json()["id"]
    push = api_client_for(staff_a).post(f"/api/v1/tasks/{task_id}/push/")
    assert push.status_code == 400, push.content
    assert not Draw.objects.filter(task_id=task_id).exists()


def test_plan_task_attack_through_the_form_is_held_for_approval(plan_item, staff_a, client_for):
    start, end = default_dates()
    client = client_for(staff_a)
    response = client.post(
        "/tasks/new/",
        {
            "plan_item": plan_item.pk,
            "region_prefixes": "330102",
            "industry_prefixes": "",
            "rate_a": "100",
            "rate_b": "100",
            "rate_c": "100",
            "rate_d": "100",
            "groups": 1,
            f"members_{staff_a.department_id}": 2,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "inspection_method": "on_site",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task = plan_item.tasks.get()
    client.post(f"/tasks/{task.pk}/push/")
    assert not Draw.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT and task.deviates_from_plan


def test_form_for_a_plan_item_starts_from_the_plan_items_terms(plan_item, staff_a, client_for):
    page = client_for(staff_a).get(f"/tasks/new/?plan_item={plan_item.pk}").content.decode()
    assert 'name="rate_a" value="10"' in page  # the plan item's 1000 basis points, in percent
    assert "3301" in page


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scope": {"region_prefixes": ["330102"]}}, "scope"),
        ({"strata": ALL_IN}, "strata"),
        ({"participating_departments": [], "group_composition": {"DEPA": 2}}, "participants"),
        ({"matters": "other"}, "matters"),
    ],
    ids=["scope", "rates", "participants", "matters"],
)
def test_changing_an_approved_ad_hoc_task_sends_it_back_to_the_office(
    joint_task, staff_a, office_admin, change, field
):
    # given: approved by the office
    assert joint_task.status == TaskStatus.APPROVED
    if change.get("matters") == "other":
        change = {"matters": [make_matter(name="另一个事项")]}
    # when
    task = task_update(task=joint_task, updated_by=staff_a, **change)
    # then
    assert task.status == TaskStatus.PENDING_APPROVAL
    assert task.approved_at is None
    with pytest.raises(ValidationError):
        task_push_to_review(task=task, pushed_by=staff_a)
    event = AuditEvent.objects.filter(action="task.update").latest("seq")
    assert event.details["changes"][field]["before"] != event.details["changes"][field]["after"]
    assert event.details["approval_lapsed"] is True


def test_changing_an_ad_hoc_task_after_a_withdrawal_sends_it_back_too(
    joint_task, staff_a, office_admin
):
    from tasks.services.draws import draw_withdraw

    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    draw_withdraw(draw=draw, withdrawn_by=staff_a, reason="调整范围")
    task = task_update(task=joint_task, updated_by=staff_a, strata=ALL_IN)
    assert task.status == TaskStatus.PENDING_APPROVAL
    with pytest.raises(ValidationError):
        task_push_to_review(task=task, pushed_by=staff_a)


def test_changes_outside_the_approved_terms_keep_the_approval(joint_task, staff_a):
    task = task_update(task=joint_task, updated_by=staff_a, title="新名称", groups=1)
    assert task.status == TaskStatus.APPROVED
    task_push_to_review(task=task, pushed_by=staff_a)


def test_draw_params_equal_the_approved_terms_even_if_the_row_is_edited(joint_task, staff_a):
    # the task row is changed behind the services' back (e.g. in the database)
    type(joint_task).objects.filter(pk=joint_task.pk).update(strata=ALL_IN)
    with pytest.raises(ValidationError):
        task_push_to_review(task=joint_task, pushed_by=staff_a)


def test_general_matter_rates_are_capped(registry, staff_a, department_b):
    general = make_matter(category=MatterCategory.GENERAL, ratio_cap_bp=500)
    with pytest.raises(ValidationError, match="上限"):
        make_task(staff_a, participants=[department_b], matters=[general], strata=ALL_IN)
    task = make_task(
        staff_a,
        participants=[department_b],
        matters=[general],
        strata={c: {"rate_bp": 500} for c in "ABCD"},
    )
    with pytest.raises(ValidationError, match="上限"):
        task_update(task=task, updated_by=staff_a, strata=STRATA)


def test_key_matters_may_go_to_one_hundred_percent(registry, staff_a, department_b):
    key = make_matter(category=MatterCategory.KEY)
    task = make_task(staff_a, participants=[department_b], matters=[key], strata=ALL_IN)
    assert task.strata == ALL_IN


def test_count_rules_are_held_to_the_cap_when_the_pool_is_known(
    registry, staff_a, department_b, office_admin
):
    # 10 class-D objects at a 5 % cap: at most ceil(10 × 5 %) = 1 may be drawn by count
    general = make_matter(category=MatterCategory.GENERAL, ratio_cap_bp=500)
    strata = {**{c: {"rate_bp": 500} for c in "ABC"}, "D": {"count": 5}}
    task = approve(
        make_task(staff_a, participants=[department_b], matters=[general], strata=strata),
        office_admin,
    )
    with pytest.raises(ValidationError, match="上限"):
        task_push_to_review(task=task, pushed_by=staff_a)


def test_max_attempts_is_bounded(registry, staff_a, department_b, joint_task):
    from tasks.models import MAX_ATTEMPTS_LIMIT

    with pytest.raises(ValidationError, match="尝试次数"):
        make_task(staff_a, participants=[department_b], max_attempts=MAX_ATTEMPTS_LIMIT + 1)
    with pytest.raises(ValidationError, match="尝试次数"):
        task_update(task=joint_task, updated_by=staff_a, max_attempts=100_000)
    task = task_update(task=joint_task, updated_by=staff_a, max_attempts=MAX_ATTEMPTS_LIMIT)
    assert task.max_attempts == MAX_ATTEMPTS_LIMIT
