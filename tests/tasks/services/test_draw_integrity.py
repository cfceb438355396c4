"""The rows the platform works from say what the published results say (issue 10).

- the drawn objects and group members are checked against the result in the draw's transaction;
- the frozen files are checked against the announce log entry, not the editable hash column;
- `draws_verify` (run nightly by beat) finds later tampering with the rows, the result or the
  files, and an unanchored log head;
- a replacement draw's published group and the group in operation name the same leader and the
  same members (they differed in about a third of the replacements before).
"""

import gzip
import io
from unittest import mock

import pytest
from django.core.management import call_command

from tasks.choices import DrawKind, DrawState
from tasks.draw.verify import verify_bundle
from tasks.models import Draw, DrawnObject, GroupMember
from tasks.services.bundles import draw_bundle
from tasks.services.ceremony import current_members, operational_groups
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tasks.services.replacements import replacement_announce
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(joint_task, staff_a, staff_b):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="577")
    return draw


@pytest.fixture
def drawn(confirmed, staff_a, run_on_commit):
    run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.DRAWN
    return confirmed


def _draws_verify(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("draws_verify", *args, stdout=out)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue()
    return 0, out.getvalue()


def test_group_rows_that_differ_from_the_result_are_never_committed(
    confirmed, staff_a, run_on_commit
):
    # given: a bug (or a hand) drops one member while the rows are written
    original = GroupMember.objects.bulk_create

    def drop_one(rows, **kwargs):
        return original(list(rows)[1:], **kwargs)

    # when
    with mock.patch.object(GroupMember.objects, "bulk_create", side_effect=drop_one):
        run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    # then: the draw is not committed with rows that contradict its result
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.FAILED
    assert not GroupMember.objects.filter(draw=confirmed).exists()
    assert not DrawnObject.objects.filter(draw=confirmed).exists()


def test_frozen_files_are_checked_against_the_announce_entry_not_the_hash_column(
    confirmed, staff_a, run_on_commit
):
    # given: after the announcement, a candidate is removed from the stored file and the draw
    # row's hash column is "fixed" to match
    from tasks.draw.protocol import sha256_hex

    rows = confirmed.candidate_rows()
    data = "".join(row + "\n" for row in rows[1:]).encode("utf-8")
    snapshots = {**confirmed.snapshots, "candidates": sha256_hex(data)}
    Draw.objects.filter(pk=confirmed.pk).update(
        candidate_file=Draw.pack(data), snapshots=snapshots, candidate_count=len(rows) - 1
    )
    # when
    run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    # then
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.FAILED
    assert not DrawnObject.objects.filter(draw=confirmed).exists()


def test_draws_verify_finds_nothing_wrong_with_honest_draws(drawn):
    code, out = _draws_verify("--recompute")
    assert code == 0, out
    assert f"OK {drawn.protocol_task_id}#1" in out


def test_draws_verify_reports_a_leader_changed_in_the_database(drawn):
    leader = GroupMember.objects.get(draw=drawn, group_id="G001", is_leader=True)
    other = GroupMember.objects.filter(draw=drawn, group_id="G001", is_leader=False).first()
    GroupMember.objects.filter(pk=leader.pk).update(is_leader=False)
    GroupMember.objects.filter(pk=other.pk).update(is_leader=True)
    code, out = _draws_verify()
    assert code == 1
    assert "groups differ from the published results: ['G001']" in out


def test_draws_verify_reports_a_drawn_object_moved_to_another_group(drawn):
    row = DrawnObject.objects.filter(draw=drawn, group_id="G001").first()
    DrawnObject.objects.filter(pk=row.pk).update(group_id="G002")
    code, out = _draws_verify()
    assert code == 1 and "drawn objects differ from the result" in out


def test_draws_verify_reports_an_edited_result_and_frozen_file(drawn):
    result = dict(drawn.result)
    result["attempt"] = 7
    Draw.objects.filter(pk=drawn.pk).update(result=result)
    code, out = _draws_verify()
    assert code == 1 and "does not hash to the logged result hash" in out
    Draw.objects.filter(pk=drawn.pk).update(
        result=drawn.result,
        conflict_file=Draw.pack(gzip.decompress(bytes(drawn.conflict_file)) + b"X,Y\n"),
    )
    code, out = _draws_verify()
    assert code == 1 and "frozen conflicts file no longer matches" in out


def test_the_nightly_job_reports_problems_on_the_status_page_and_to_the_office(drawn, office_admin):
    from accounts.models import Notification
    from accounts.nightly import nightly_check as check_nightly
    from tasks.jobs import draws_verify_job

    assert draws_verify_job() == {"checked": 1, "problems": {}}
    assert check_nightly("draws", "draws").ok
    assert not Notification.objects.filter(recipient=office_admin).exists()

    GroupMember.objects.filter(draw=drawn).update(is_leader=False)
    report = draws_verify_job()
    assert list(report["problems"]) == [f"{drawn.protocol_task_id}#1"]
    shown = check_nightly("draws", "draws")
    assert not shown.ok and drawn.protocol_task_id in shown.detail
    draws_verify_job()  # a second run the same day tells the office once
    notices = Notification.objects.filter(recipient=office_admin, kind="integrity.draws")
    assert [n.severity for n in notices] == ["red"]


# --- replacements -------------------------------------------------------------------------------


@pytest.fixture
def three_person_groups(registry, staff_a, staff_b, department_b, office_admin, run_on_commit):
    """Groups of two lead-department members and one participant: when a member who is not the
    leader is replaced, two members are kept, and the leader must stay the leader."""
    task = approve(
        make_task(
            staff_a, participants=[department_b], groups=2, composition={"DEPA": 2, "DEPB": 1}
        ),
        office_admin,
    )
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="42")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    return draw


def _replace(draw, code, staff_a, staff_b, run_on_commit, witness):
    replacement = replacement_announce(
        draw=draw, inspector_code=code, reason="因病住院", announced_by=staff_a, category="illness"
    )
    review_confirm(review=replacement.reviews.get(), confirmed_by=staff_b, witness=witness)
    run_on_commit(draw_reveal, draw=replacement, revealed_by=staff_a)
    replacement.refresh_from_db()
    assert replacement.state == DrawState.DRAWN, replacement.failure_reason
    return replacement


def test_a_replacement_names_the_same_leader_in_its_bundle_and_in_operation(
    three_person_groups, staff_a, staff_b, run_on_commit
):
    draw = three_person_groups
    for round_ in range(12):
        group_id = "G001" if round_ % 2 == 0 else "G002"
        members = current_members(draw).filter(group_id=group_id)
        leader_before = members.get(is_leader=True).code
        # alternately the participant and the other lead-department member, never the leader
        if round_ % 4 < 2:
            replaced = members.get(department_code="DEPB")
        else:
            replaced = members.filter(department_code="DEPA", is_leader=False).get()
        # when
        replacement = _replace(draw, replaced.code, staff_a, staff_b, run_on_commit, f"{round_}")
        # then: the published group is the group in operation, leader included
        ((_gid, published),) = replacement.result["groups"].items()
        standing = operational_groups(draw)[group_id]
        assert standing == {"leader": published["leader"], "members": sorted(published["members"])}
        assert standing["leader"] == leader_before
        assert replaced.code not in standing["members"]
        assert verify_bundle(draw_bundle(replacement, public=True)).valid
    code, out = _draws_verify()
    assert code == 0, out


def test_a_replaced_leader_is_succeeded_by_the_leader_the_bundle_names(
    three_person_groups, staff_a, staff_b, run_on_commit
):
    draw = three_person_groups
    leader = current_members(draw).get(group_id="G001", is_leader=True)
    replacement = _replace(draw, leader.code, staff_a, staff_b, run_on_commit, "9")
    ((_gid, published),) = replacement.result["groups"].items()
    standing = operational_groups(draw)["G001"]
    assert standing["leader"] == published["leader"] != leader.code
    assert standing["members"] == sorted(published["members"])
    new_leader = current_members(draw).get(group_id="G001", is_leader=True)
    assert new_leader.department_code == "DEPA"
    assert replacement.kind == DrawKind.REPLACEMENT
