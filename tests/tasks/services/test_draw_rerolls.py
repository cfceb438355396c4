"""Re-rolls and timing (issue 10): a draw no one can quietly do again.

- after the first witness entry, withdrawing an announcement needs the office's approval with a
  reason, and the withdrawal publishes the secret S, so anyone can see what it would have drawn;
  the next announcement references the one it replaces;
- the announcement states the earliest reveal time and the reveal cannot happen before it;
- the public page counts, per department and year, withdrawn announcements and voided or redrawn
  draws;
- a single-department task's second witness holds the witness role (or an office-granted
  permission on that task), is named before the announcement, and only the office creates
  witness accounts.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.choices import Role
from accounts.services import account_create, account_reset_password, account_set_roles
from tasks.choices import DrawState, TaskStatus
from tasks.draw.protocol import commitment, format_ts
from tasks.models import TaskPolicy
from tasks.services.draws import (
    draw_reveal,
    draw_withdraw,
    draw_withdraw_decide,
    draw_withdraw_request,
    review_confirm,
    task_push_to_review,
)
from tasks.services.tasks import task_update, task_witness_grant
from tests.accounts.factories import UserFactory
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def witnessed(joint_task, staff_a, staff_b):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="4242")
    return draw


# --- withdrawals --------------------------------------------------------------------------------


def test_lead_cannot_withdraw_alone_after_the_first_witness_entry(witnessed, staff_a):
    with pytest.raises(ValidationError, match="联席办"):
        draw_withdraw(draw=witnessed, withdrawn_by=staff_a, reason="不满意")
    witnessed.refresh_from_db()
    assert witnessed.state == DrawState.ANNOUNCED


def test_withdrawal_after_a_witness_entry_is_approved_by_the_office_and_publishes_s(
    witnessed, staff_a, office_admin
):
    # given
    with pytest.raises(ValidationError):
        draw_withdraw_request(draw=witnessed, requested_by=staff_a, reason=" ")
    draw_withdraw_request(draw=witnessed, requested_by=staff_a, reason="检查时间调整")
    with pytest.raises(PermissionDenied):
        draw_withdraw_decide(draw=witnessed, decided_by=staff_a, approve=True)
    # when
    draw_withdraw_decide(draw=witnessed, decided_by=office_admin, approve=True, comment="同意")
    # then
    witnessed.refresh_from_db()
    assert witnessed.state == DrawState.WITHDRAWN
    entry = witnessed.log_entries.order_by("-seq").first()
    assert entry.type == "void"
    secret = entry.data["secret"]
    assert commitment(bytes.fromhex(secret)) == witnessed.commitment
    assert witnessed.revealed_secret == secret
    # and the next announcement references the one it replaces
    again = task_push_to_review(task=witnessed.task, pushed_by=staff_a)
    assert again.redraw_of == witnessed
    assert again.params["replaces"] == {
        "draw": f"{witnessed.protocol_task_id}#{witnessed.number}",
        "state": "withdrawn",
    }


def test_office_can_refuse_a_withdrawal(witnessed, staff_a, office_admin):
    draw_withdraw_request(draw=witnessed, requested_by=staff_a, reason="检查时间调整")
    with pytest.raises(ValidationError):
        draw_withdraw_decide(draw=witnessed, decided_by=office_admin, approve=False)
    draw_withdraw_decide(draw=witnessed, decided_by=office_admin, approve=False, comment="不同意")
    witnessed.refresh_from_db()
    assert witnessed.state == DrawState.ANNOUNCED and witnessed.withdraw_requested_at is None


def test_withdrawal_before_any_witness_needs_no_approval_but_still_publishes_s(joint_task, staff_a):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    draw_withdraw(draw=draw, withdrawn_by=staff_a, reason="发现参数有误")
    entry = draw.log_entries.get(type="void")
    assert commitment(bytes.fromhex(entry.data["secret"])) == draw.commitment


def test_a_return_by_a_participant_publishes_s_too(joint_task, staff_a, staff_b):
    from tasks.services.draws import review_return

    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_return(review=draw.reviews.get(), returned_by=staff_b, reason="时间冲突")
    entry = draw.log_entries.get(type="void")
    assert commitment(bytes.fromhex(entry.data["secret"])) == draw.commitment


# --- the earliest reveal time -------------------------------------------------------------------


def test_reveal_cannot_happen_before_the_announced_earliest_time(
    joint_task, staff_a, staff_b, run_on_commit
):
    TaskPolicy.objects.update_or_create(pk=1, defaults={"reveal_delay_minutes": 30})
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
        review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="1")
    assert draw.reveal_not_before == draw.announced_at + timedelta(minutes=30)
    assert draw.params["reveal_not_before"] == format_ts(draw.reveal_not_before)
    with (
        time_machine.travel(start + timedelta(minutes=29), tick=False),
        pytest.raises(ValidationError, match="揭示"),
    ):
        draw_reveal(draw=draw, revealed_by=staff_a)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN


def test_the_lead_may_schedule_a_later_reveal_but_not_an_earlier_one(joint_task, staff_a):
    TaskPolicy.objects.update_or_create(pk=1, defaults={"reveal_delay_minutes": 30})
    with pytest.raises(ValidationError):
        task_push_to_review(
            task=joint_task, pushed_by=staff_a, reveal_at=timezone.now() + timedelta(minutes=5)
        )
    later = timezone.now() + timedelta(days=2)
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a, reveal_at=later)
    assert draw.reveal_not_before == later.replace(microsecond=0)


def test_public_page_counts_withdrawals_voids_and_redraws_per_department_and_year(
    joint_task, staff_a, staff_b, office_admin, client_for, run_on_commit
):
    from tasks.services.draws import draw_void_decide, draw_void_request

    first = task_push_to_review(task=joint_task, pushed_by=staff_a)
    draw_withdraw(draw=first, withdrawn_by=staff_a, reason="参数有误")
    second = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=second.reviews.get(), confirmed_by=staff_b, witness="8")
    run_on_commit(draw_reveal, draw=second, revealed_by=staff_a)
    draw_void_request(draw=second, requested_by=staff_a, reason="范围错误")
    draw_void_decide(draw=second, decided_by=office_admin, approve=True)
    third = task_push_to_review(task=joint_task, pushed_by=staff_a)
    assert third.redraw_of == second
    page = client_for(None).get(f"/tasks/public/{joint_task.code}/").content.decode()
    year = timezone.localdate().year
    assert (
        f'data-department="DEPA" data-year="{year}" data-withdrawn="1" data-voided="1" '
        'data-failed="0" data-replacing="2"'
    ) in page
    # the standing announcement comes first; the withdrawn and voided draws are folded beneath it
    standing = page.index('data-testid="public-draw"')
    folded = page.index('data-testid="set-aside-draws"')
    assert standing < folded
    assert page.count('data-testid="public-draw"') == 1
    assert page.count('data-testid="public-draw-set-aside"') == 2
    assert page.index("第 3 次抽取") < page.index("第 2 次抽取") < page.index("第 1 次抽取")


# --- the second witness -------------------------------------------------------------------------


def _single(staff_a, office_admin, **fields):
    return approve(make_task(staff_a, groups=2, composition={"DEPA": 2}, **fields), office_admin)


def test_single_department_task_needs_a_named_second_witness_before_the_announcement(
    registry, staff_a, office_admin, witness_a
):
    task = _single(staff_a, office_admin)
    with pytest.raises(ValidationError, match="见证人"):
        task_push_to_review(task=task, pushed_by=staff_a)
    task = task_update(task=task, updated_by=staff_a, second_witness=witness_a)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    assert draw.params["witnesses"] == [{"department": "DEPA", "role": "second_person"}]


def test_a_department_admin_who_is_not_named_cannot_witness(
    registry, staff_a, office_admin, witness_a, dept_admin_a
):
    task = _single(staff_a, office_admin, second_witness=witness_a)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    with pytest.raises(PermissionDenied):
        review_confirm(review=draw.reviews.get(), confirmed_by=dept_admin_a, witness="1")
    review_confirm(review=draw.reviews.get(), confirmed_by=witness_a, witness="1")


def test_only_witnesses_or_office_designated_people_can_be_named(
    registry, staff_a, liaison_a, office_admin, dept_admin_a
):
    with pytest.raises(ValidationError, match="见证人"):
        _single(staff_a, office_admin, second_witness=liaison_a)
    task = _single(staff_a, office_admin)
    # the department head (here the department admin) is designated for this task by the office
    with pytest.raises(PermissionDenied):
        task_witness_grant(task=task, user=dept_admin_a, granted_by=staff_a)
    task_witness_grant(task=task, user=dept_admin_a, granted_by=office_admin)
    task = task_update(task=task, updated_by=staff_a, second_witness=dept_admin_a)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=dept_admin_a, witness="骰子 3 3 1")


def test_a_frozen_witness_cannot_witness(registry, staff_a, office_admin, witness_a):
    from accounts.services import account_freeze

    task = _single(staff_a, office_admin, second_witness=witness_a)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    account_freeze(account=witness_a, frozen_by=office_admin, reason="left")
    witness_a.refresh_from_db()
    with pytest.raises(PermissionDenied):
        review_confirm(review=draw.reviews.get(), confirmed_by=witness_a, witness="1")


def test_a_department_admin_cannot_make_witness_accounts(dept_admin_a, office_admin, staff_a):
    with pytest.raises(PermissionDenied):
        account_create(
            created_by=dept_admin_a,
            department=dept_admin_a.department,
            username="fake_witness",
            full_name="假见证人",
            roles=[Role.WITNESS],
        )
    with pytest.raises(PermissionDenied):
        account_set_roles(account=staff_a, changed_by=dept_admin_a, roles=[Role.WITNESS])
    account, _password = account_create(
        created_by=office_admin,
        department=dept_admin_a.department,
        username="real_witness",
        full_name="纪检监督员",
        roles=[Role.WITNESS],
    )
    assert account.roles == [Role.WITNESS]


def test_a_department_admin_cannot_take_over_a_witness_account(dept_admin_a, witness_a):
    with pytest.raises(PermissionDenied):
        account_reset_password(account=witness_a, reset_by=dept_admin_a)


def test_the_announcer_cannot_be_the_second_witness_even_when_named(
    registry, office_admin, department_a
):
    witness_staff = UserFactory(
        username="both", department=department_a, roles=[Role.STAFF, Role.WITNESS]
    )
    task = _single(witness_staff, office_admin, second_witness=witness_staff)
    with pytest.raises(ValidationError, match="公告人"):
        task_push_to_review(task=task, pushed_by=witness_staff)
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
