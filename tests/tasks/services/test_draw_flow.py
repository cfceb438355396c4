"""The whole ceremony at the service level: announce, review, reveal, draw, bundle."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from tasks.choices import DrawState, ReviewStatus, TaskStatus
from tasks.draw.protocol import commitment
from tasks.draw.verify import verify_bundle
from tasks.models import Draw, DrawLogEntry, DrawnObject, GroupMember
from tasks.services import secrets as draw_secrets
from tasks.services.bundles import draw_bundle
from tasks.services.draws import (
    draw_reveal,
    review_confirm,
    review_return,
    task_push_to_review,
)
from tasks.services.execution import draw_execute

pytestmark = pytest.mark.django_db


def _announce(task, user):
    return task_push_to_review(task=task, pushed_by=user)


def test_push_to_review_freezes_inputs_and_announces(joint_task, staff_a):
    # when
    draw = _announce(joint_task, staff_a)
    # then
    joint_task.refresh_from_db()
    assert joint_task.status == TaskStatus.IN_REVIEW
    assert draw.state == DrawState.ANNOUNCED
    assert draw.candidate_count == 40 and draw.must_count == 2
    assert all(v == ["anomaly"] for v in draw.must_reasons.values())
    secret = draw_secrets.unseal(draw.sealed_secret, f"{joint_task.code}|{draw.number}")
    assert commitment(secret) == draw.commitment
    assert draw.revealed_secret == ""
    entries = list(DrawLogEntry.objects.filter(draw=draw))
    assert [e.type for e in entries] == ["announce"]
    assert entries[0].data["commitment"] == draw.commitment
    assert [r.department.code for r in draw.reviews.all()] == ["DEPB"]
    event = AuditEvent.objects.filter(action="draw.announce").get()
    assert event.details["draw_head"] == entries[0].hash


def test_full_draw_produces_a_valid_bundle(joint_task, staff_a, staff_b, run_on_commit):
    # given
    draw = _announce(joint_task, staff_a)
    review = draw.reviews.get()
    review_confirm(review=review, confirmed_by=staff_b, witness="  314159 ")
    # when
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    # then
    draw.refresh_from_db()
    joint_task.refresh_from_db()
    assert draw.state == DrawState.DRAWN
    assert joint_task.status == TaskStatus.DRAWN
    assert draw.witnesses == ["314159"]
    bundle = draw_bundle(draw, public=False)
    report = verify_bundle(bundle)
    assert report.valid, report.problems
    assert DrawnObject.objects.filter(draw=draw).count() == len(draw.result["objects"])
    assert GroupMember.objects.filter(draw=draw, is_leader=True).count() == 2
    for member in GroupMember.objects.filter(draw=draw, is_leader=True):
        assert member.department_code == "DEPA"
    assert [e.type for e in draw.log_entries.order_by("seq")] == [
        "announce",
        "witness",
        "reveal",
        "result",
    ]
    assert AuditEvent.objects.filter(
        action="draw.result", details__draw_head=draw.head_hash
    ).exists()


def test_reveal_before_all_confirmations_is_refused(joint_task, staff_a):
    draw = _announce(joint_task, staff_a)
    with pytest.raises(ValidationError):
        draw_reveal(draw=draw, revealed_by=staff_a)


def test_other_department_cannot_confirm(joint_task, staff_a, staff_a_other=None):
    draw = _announce(joint_task, staff_a)
    with pytest.raises(PermissionDenied):
        review_confirm(review=draw.reviews.get(), confirmed_by=staff_a, witness="1")


def test_participant_cannot_reveal(joint_task, staff_a, staff_b):
    draw = _announce(joint_task, staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="1")
    with pytest.raises(PermissionDenied):
        draw_reveal(draw=draw, revealed_by=staff_b)


def test_return_withdraws_announcement_and_next_push_uses_new_secret(joint_task, staff_a, staff_b):
    # given
    first = _announce(joint_task, staff_a)
    # when
    review_return(review=first.reviews.get(), returned_by=staff_b, reason="检查时间与我局专项冲突")
    # then
    first.refresh_from_db()
    joint_task.refresh_from_db()
    assert first.state == DrawState.WITHDRAWN
    assert joint_task.status == TaskStatus.DRAFT
    assert [e.type for e in first.log_entries.order_by("seq")] == ["announce", "void"]
    assert first.reviews.get().status == ReviewStatus.RETURNED
    second = _announce(joint_task, staff_a)
    assert second.number == 2 and second.commitment != first.commitment
    assert Draw.objects.filter(task=joint_task).count() == 2


def test_witness_is_nfc_normalised(joint_task, staff_a, staff_b):
    draw = _announce(joint_task, staff_a)
    review = review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="Cafe\u0301 ")
    assert review.witness_value == "Caf\u00e9"
    assert draw.log_entries.get(type="witness").data == {"value": "Caf\u00e9"}


def test_witness_with_line_break_is_refused(joint_task, staff_a, staff_b):
    draw = _announce(joint_task, staff_a)
    with pytest.raises(ValidationError):
        review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="1\n2")


def test_log_entries_cannot_be_updated_or_deleted(joint_task, staff_a):
    from django.db import DatabaseError, transaction

    draw = _announce(joint_task, staff_a)
    entry = draw.log_entries.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        DrawLogEntry.objects.filter(pk=entry.pk).update(actor="X")
    with pytest.raises(DatabaseError), transaction.atomic():
        DrawLogEntry.objects.filter(pk=entry.pk).delete()


def test_infeasible_composition_names_the_department(registry, staff_a, department_b, office_admin):
    from tests.tasks.factories import approve, make_task

    task = approve(
        make_task(
            staff_a, participants=[department_b], groups=3, composition={"DEPA": 1, "DEPB": 2}
        ),
        office_admin,
    )
    with pytest.raises(ValidationError) as error:
        _announce(task, staff_a)
    assert "DEPB" in str(error.value) and "需要 6 人" in str(error.value)
    assert not Draw.objects.filter(task=task).exists()


def test_execute_twice_draws_once(joint_task, staff_a, staff_b, run_on_commit):
    draw = _announce(joint_task, staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="42")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw_execute(draw_id=draw.pk)
    draw_reveal(draw=draw, revealed_by=staff_a)
    assert DrawnObject.objects.filter(draw=draw).count() == len(
        Draw.objects.get(pk=draw.pk).result["objects"]
    )
    assert draw.log_entries.filter(type="result").count() == 1
