"""Stuck and half-done draws (issue 10): a draw never stays "drawing".

Any error in the job ends with `draw_failed` and a state from which the lead department starts
again; a failed enqueue or a lost job is queued again by a repeated reveal or by beat; a job
interrupted too often fails the draw. (tests/tasks/test_draw_worker.py does the same with a real
worker, including SIGKILL mid-draw.)
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from tasks.choices import DrawState, TaskStatus
from tasks.models import Draw, DrawLogEntry, DrawnObject, GroupMember
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(joint_task, staff_a, staff_b):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="1618")
    return draw


def _types(draw) -> list[str]:
    return list(
        DrawLogEntry.objects.filter(draw=draw).order_by("seq").values_list("type", flat=True)
    )


def test_any_error_in_the_job_ends_with_draw_failed_and_a_redraw_is_possible(
    confirmed, staff_a, run_on_commit
):
    # given: the job breaks after the drawn objects were written (not a protocol error)
    broken = mock.patch.object(
        GroupMember.objects, "bulk_create", side_effect=RuntimeError("disk full")
    )
    # when
    with broken:
        run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    # then: nothing of the draw was kept, the failure is logged and S is public
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.FAILED
    assert _types(confirmed) == ["announce", "witness", "reveal", "draw_failed"]
    assert confirmed.revealed_secret
    assert not DrawnObject.objects.filter(draw=confirmed).exists()
    assert "RuntimeError" in confirmed.failure_reason
    assert confirmed.task.status == TaskStatus.DRAFT
    # and the lead department can try again: a new announcement referencing the failed draw
    again = task_push_to_review(task=confirmed.task, pushed_by=staff_a)
    assert again.redraw_of == confirmed


def test_a_failed_enqueue_leaves_the_draw_drawing_and_a_repeated_reveal_queues_it_again(
    confirmed, staff_a, run_on_commit
):
    # given: the broker refuses the job
    with mock.patch("tasks.jobs.draw_run_job.delay", side_effect=BrokerDown("no broker")):
        run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.DRAWING and confirmed.job_queued_at is None
    # when: the lead department presses "reveal" again
    run_on_commit(draw_reveal, draw=confirmed, revealed_by=staff_a)
    # then
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.DRAWN
    assert _types(confirmed).count("result") == 1


def test_a_double_click_on_reveal_queues_the_job_once_and_a_later_reveal_again(
    confirmed, staff_a, django_capture_on_commit_callbacks
):
    from accounts.models import AuditEvent

    def reveal() -> int:
        with (
            mock.patch("tasks.jobs.draw_run_job.delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            draw_reveal(draw=confirmed, revealed_by=staff_a)
        return delay.call_count

    assert reveal() == 1
    assert reveal() == 0  # moments later: the job queued may just not have started
    # a while later, still drawing: the job is queued again
    Draw.objects.filter(pk=confirmed.pk).update(job_queued_at=timezone.now() - timedelta(minutes=1))
    assert reveal() == 1
    assert AuditEvent.objects.filter(action="draw.reveal_requeued").count() == 1


def test_a_draw_whose_job_was_interrupted_too_often_fails(confirmed, staff_a):
    from tasks.services.execution import draw_execute

    with mock.patch("tasks.jobs.draw_run_job.delay"):
        draw_reveal(draw=confirmed, revealed_by=staff_a)
    Draw.objects.filter(pk=confirmed.pk).update(job_attempts=settings.DRAW_JOB_MAX_ATTEMPTS)
    draw = draw_execute(draw_id=confirmed.pk)
    assert draw.state == DrawState.FAILED
    assert _types(draw)[-2:] == ["reveal", "draw_failed"]
    assert str(settings.DRAW_JOB_MAX_ATTEMPTS) in draw.failure_reason


def test_a_secret_that_cannot_be_unsealed_fails_the_draw_without_a_reveal(
    confirmed, staff_a, run_on_commit, settings
):
    with mock.patch("tasks.jobs.draw_run_job.delay"):
        draw_reveal(draw=confirmed, revealed_by=staff_a)
    settings.DRAW_SECRET_KEY = "rotated-" + "x" * 60
    from tasks.services.execution import draw_execute

    draw = draw_execute(draw_id=confirmed.pk)
    assert draw.state == DrawState.FAILED
    assert _types(draw) == ["announce", "witness", "draw_failed"]
    assert draw.revealed_secret == ""


def test_stuck_draws_are_listed_for_the_office_and_requeued_by_beat(
    confirmed, staff_a, office_admin, client_for, run_on_commit
):
    from tasks.selectors import draws_stuck_in_drawing
    from tasks.services.execution import draws_requeue_stuck

    # given: the job was lost (queued, never run), long enough ago
    with mock.patch("tasks.jobs.draw_run_job.delay"):
        draw_reveal(draw=confirmed, revealed_by=staff_a)
    assert not draws_stuck_in_drawing().exists()
    old = timezone.now() - timedelta(minutes=settings.DRAW_STUCK_AFTER_MINUTES + 1)
    Draw.objects.filter(pk=confirmed.pk).update(job_queued_at=old)
    # then: the office's status page lists it
    assert list(draws_stuck_in_drawing()) == [confirmed]
    page = client_for(office_admin).get("/status/").content.decode()
    panel = page.split('data-testid="stuck-draws"')[1].split("</section>")[0]
    assert confirmed.task.code in panel
    # when: beat's sweep runs
    queued = run_on_commit(draws_requeue_stuck)
    # then
    assert queued == [confirmed.pk]
    confirmed.refresh_from_db()
    assert confirmed.state == DrawState.DRAWN
    assert not draws_stuck_in_drawing().exists()
