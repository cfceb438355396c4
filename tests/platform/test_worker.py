"""Proves the real path: a Celery worker process, the Redis broker and result backend, PostgreSQL."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from accounts.audit import record_event
from platform_site.celery import app
from tests.database import url_of_test_database


@pytest.fixture
def worker(transactional_db):
    queue = f"test-{uuid.uuid4().hex[:8]}"  # only this worker consumes it
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform_site.settings.base",
        "DATABASE_URL": url_of_test_database(),
        "REDIS_URL": settings.REDIS_URL,
        # this test's checkpoint log, not the development database's
        "AUDIT_CHECKPOINT_LOG": str(settings.AUDIT_CHECKPOINT_LOG),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "--pool=solo",
         "--queues", queue, "--hostname", f"{queue}@test", "--loglevel=WARNING", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        env=env,
    )  # fmt: skip
    try:
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=20)


pytestmark = pytest.mark.filterwarnings(
    # send_task always goes to the broker; the eager setting of the test settings does not apply.
    "ignore::celery.exceptions.AlwaysEagerIgnored",
    "ignore:Results are not stored in backend:RuntimeWarning",
)


@pytest.mark.worker
def test_real_worker_round_trip_through_redis(worker):
    result = app.send_task("platform_site.jobs.ping", args=["甲"], queue=worker)
    assert result.get(timeout=60) == "pong:甲"


@pytest.mark.worker
def test_real_worker_reads_postgres_and_is_idempotent(worker, office_admin):
    # given: committed audit events the worker can see
    events = [record_event(actor=office_admin, action=f"worker.test{i}") for i in range(3)]
    # when: the nightly verification job runs twice on the real worker
    first = app.send_task("accounts.jobs.audit_verify_job", queue=worker).get(timeout=60)
    second = app.send_task("accounts.jobs.audit_verify_job", queue=worker).get(timeout=60)
    # then
    assert first == second
    assert first["ok"] is True
    assert first["head"] == events[-1].hash
