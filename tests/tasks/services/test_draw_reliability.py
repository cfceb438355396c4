"""Each draw happens once: parallel reveals on real PostgreSQL transactions, and a worker that dies
mid-draw leaves nothing behind, after which the retried job draws exactly once."""

import threading
from unittest import mock

import pytest
from django.db import connection

from tasks.choices import DrawState, TaskStatus
from tasks.models import Draw, DrawLogEntry, DrawnObject, GroupMember
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tasks.services.execution import draw_execute
from tests.tasks.factories import approve, make_task


def _ready_draw(staff_a, staff_b, department_b, office_admin):
    task = approve(
        make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1}),
        office_admin,
    )
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="2718")
    return draw


@pytest.mark.usefixtures("transactional_db")
def test_two_simultaneous_reveals_draw_once(
    registry, staff_a, liaison_a, staff_b, department_b, office_admin
):
    # given
    draw = _ready_draw(staff_a, staff_b, department_b, office_admin)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[str] = []

    def reveal(user):
        try:
            barrier.wait(timeout=10)
            results.append(draw_reveal(draw=Draw.objects.get(pk=draw.pk), revealed_by=user).state)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    # when: two users of the lead department press "reveal" at the same moment
    threads = [threading.Thread(target=reveal, args=(user,)) for user in (staff_a, liaison_a)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then
    assert not errors, errors
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN
    assert DrawLogEntry.objects.filter(draw=draw, type="result").count() == 1
    assert DrawLogEntry.objects.filter(draw=draw, type="reveal").count() == 1
    assert DrawnObject.objects.filter(draw=draw).count() == len(draw.result["objects"])
    assert GroupMember.objects.filter(draw=draw).count() == 4


@pytest.mark.usefixtures("transactional_db")
def test_parallel_jobs_for_one_claim_draw_once(
    registry, staff_a, staff_b, department_b, office_admin
):
    draw = _ready_draw(staff_a, staff_b, department_b, office_admin)
    with mock.patch("tasks.jobs.draw_run_job.delay"):
        draw_reveal(draw=draw, revealed_by=staff_a)
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait(timeout=10)
            draw_execute(draw_id=draw.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert DrawLogEntry.objects.filter(draw=draw, type="result").count() == 1
    assert DrawnObject.objects.filter(draw=draw).count() == len(
        Draw.objects.get(pk=draw.pk).result["objects"]
    )


@pytest.mark.usefixtures("transactional_db")
def test_worker_dying_mid_draw_leaves_nothing_and_retry_draws_once(
    registry, staff_a, staff_b, department_b, office_admin
):
    # given: the reveal is claimed, the job is queued but not yet run
    draw = _ready_draw(staff_a, staff_b, department_b, office_admin)
    with mock.patch("tasks.jobs.draw_run_job.delay"):
        draw_reveal(draw=draw, revealed_by=staff_a)
    # when: the worker dies after the objects were written, inside the transaction
    killed = mock.patch.object(
        GroupMember.objects, "bulk_create", side_effect=SystemExit("worker killed")
    )
    with killed, pytest.raises(SystemExit):
        draw_execute(draw_id=draw.pk)
    # then: nothing of the draw was saved
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWING
    assert not DrawnObject.objects.filter(draw=draw).exists()
    assert not DrawLogEntry.objects.filter(draw=draw, type__in=["reveal", "result"]).exists()
    assert draw.revealed_secret == "" and draw.result is None
    # when: the job is redelivered (acks_late) and run again, twice
    from tasks.jobs import draw_run_job

    draw_run_job(draw.pk)
    draw_run_job(draw.pk)
    # then: exactly one draw
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN
    assert draw.task.status == TaskStatus.DRAWN
    assert DrawLogEntry.objects.filter(draw=draw, type="result").count() == 1
    assert DrawnObject.objects.filter(draw=draw).count() == len(draw.result["objects"])
