"""Stuck draws on a real Celery worker (issue 10): a worker killed with SIGKILL in the middle of a
draw leaves nothing behind and the draw listed as stuck, and a repeated reveal draws exactly once;
a job that the broker refused is queued again by beat's sweep; an error in the job (here a worker
whose DRAW_SECRET_KEY cannot unseal the secret) ends with a draw_failed entry from which the lead
department starts again."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from accounts.audit import _CHAIN_LOCK_KEY
from platform_site.celery import app
from tasks.choices import DrawState, TaskStatus
from tasks.integrity import draws_verify
from tasks.jobs import draw_run_job
from tasks.models import Draw, DrawLogEntry, DrawnObject, GroupMember
from tasks.selectors import draws_stuck_in_drawing
from tasks.services.ceremony import queue_draw_job
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.tasks.factories import approve, make_task

pytestmark = [
    pytest.mark.worker,
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.filterwarnings("ignore:Results are not stored in backend:RuntimeWarning"),
]


def _database_url_of_test_db() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER'] or 'postgres'}@/{db['NAME']}?host={db['HOST']}"


@pytest.fixture
def start_worker(transactional_db, settings):
    processes: list[subprocess.Popen] = []

    def start(**extra_env: str) -> tuple[str, subprocess.Popen]:
        queue = f"test-draw-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform_site.settings.base",
            "DATABASE_URL": _database_url_of_test_db(),
            "REDIS_URL": settings.REDIS_URL,
            "DRAW_SECRET_KEY": settings.DRAW_SECRET_KEY,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DEBUG": "false",
            **extra_env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "--pool=solo",
             "--queues", queue, "--hostname", f"{queue}@test", "--loglevel=WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            env=env,
        )  # fmt: skip
        processes.append(process)
        return queue, process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def _route(queue: str):
    return mock.patch.object(draw_run_job, "delay", side_effect=lambda draw_id: (
        draw_run_job.apply_async(args=(draw_id,), queue=queue)
    ))  # fmt: skip


@contextmanager
def _not_eager():
    """Jobs go through Redis to the worker (the test settings run them in-process)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _confirmed(staff_a, staff_b, department_b, office_admin) -> Draw:
    task = approve(
        make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1}),
        office_admin,
    )
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="8128")
    return draw


def _waiting_for_the_audit_lock() -> int | None:
    """The backend waiting for the audit trail's lock (the worker at its last step), if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s",
            [_CHAIN_LOCK_KEY & 0xFFFFFFFF],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _backend_gone(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is None


def test_sigkill_mid_draw_leaves_nothing_and_a_repeated_reveal_draws_once(
    start_worker, registry, staff_a, staff_b, department_b, office_admin
):
    # given: a confirmed draw, and the audit trail's lock held elsewhere, so that the worker stops
    # at the very end of the draw's transaction (everything written, nothing committed)
    draw = _confirmed(staff_a, staff_b, department_b, office_admin)
    queue, worker = start_worker()
    holding, release = threading.Event(), threading.Event()

    def hold_the_audit_lock():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
                holding.set()
                release.wait(120)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_audit_lock)
    with mock.patch.object(draw_run_job, "delay"):  # the job goes once the hold is in place
        draw_reveal(draw=draw, revealed_by=staff_a)
    holder.start()
    assert holding.wait(10)
    with _not_eager(), _route(queue):
        queue_draw_job(draw.pk)
        try:
            # when: the worker is inside the draw, it is killed outright
            pid = _wait_for(_waiting_for_the_audit_lock, 120, "the worker to reach the end")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=20)
        finally:
            release.set()
            holder.join(30)
        _wait_for(lambda: _backend_gone(pid), 60, "the dead worker's session to go away")
    # then: nothing of the draw was saved; it is listed as stuck
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWING and draw.job_attempts == 1
    assert not DrawLogEntry.objects.filter(draw=draw, type__in=["reveal", "result"]).exists()
    assert not DrawnObject.objects.filter(draw=draw).exists()
    assert not GroupMember.objects.filter(draw=draw).exists()
    assert list(draws_stuck_in_drawing(older_than=timedelta(0))) == [draw]
    # when: a while later, the lead department reveals again, with a live worker
    Draw.objects.filter(pk=draw.pk).update(job_queued_at=timezone.now() - timedelta(minutes=1))
    queue, _worker = start_worker()
    with _not_eager(), _route(queue):
        draw_reveal(draw=draw, revealed_by=staff_a)
        _wait_for(
            lambda: Draw.objects.filter(pk=draw.pk, state=DrawState.DRAWN).exists(),
            120,
            "the draw",
        )
    # then: exactly one draw, as the published result says
    draw.refresh_from_db()
    assert draw.job_attempts == 2
    assert DrawLogEntry.objects.filter(draw=draw, type="result").count() == 1
    assert DrawnObject.objects.filter(draw=draw).count() == len(draw.result["objects"])
    assert draw.task.status == TaskStatus.DRAWN
    assert not draws_stuck_in_drawing(older_than=timedelta(0)).exists()
    assert all(report.ok for report in draws_verify(recompute=True))


def test_a_job_the_broker_refused_is_queued_again_by_the_sweep(
    start_worker, registry, staff_a, staff_b, department_b, office_admin
):
    from tasks.services.execution import draws_requeue_stuck

    draw = _confirmed(staff_a, staff_b, department_b, office_admin)
    # given: the broker is down when the draw is revealed
    with mock.patch.object(draw_run_job, "delay", side_effect=BrokerDown("broker down")):
        draw_reveal(draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWING
    Draw.objects.filter(pk=draw.pk).update(job_queued_at=timezone.now() - timedelta(minutes=30))
    # when: beat's sweep runs, with the broker and a worker back
    queue, _worker = start_worker()
    with _not_eager(), _route(queue):
        assert draws_requeue_stuck() == [draw.pk]
        _wait_for(
            lambda: Draw.objects.filter(pk=draw.pk, state=DrawState.DRAWN).exists(),
            120,
            "the draw",
        )
    assert DrawLogEntry.objects.filter(draw=draw, type="result").count() == 1


def test_an_error_in_the_job_ends_with_draw_failed_and_the_task_can_go_again(
    start_worker, registry, staff_a, staff_b, department_b, office_admin
):
    draw = _confirmed(staff_a, staff_b, department_b, office_admin)
    # given: a worker whose key cannot unseal the secret (a rotated DRAW_SECRET_KEY)
    queue, _worker = start_worker(DRAW_SECRET_KEY="rotated-" + "k" * 60)
    with _not_eager(), _route(queue):
        draw_reveal(draw=draw, revealed_by=staff_a)
        _wait_for(
            lambda: Draw.objects.filter(pk=draw.pk, state=DrawState.FAILED).exists(),
            120,
            "the failure",
        )
    draw.refresh_from_db()
    types = list(draw.log_entries.order_by("seq").values_list("type", flat=True))
    assert types == ["announce", "witness", "draw_failed"]
    assert draw.task.status == TaskStatus.DRAFT
    again = task_push_to_review(task=draw.task, pushed_by=staff_a)
    assert again.redraw_of == draw
