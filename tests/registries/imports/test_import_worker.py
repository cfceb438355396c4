"""A real Celery worker is killed with SIGKILL in the middle of an import; the registry is
untouched, and delivering the job again imports exactly the right rows."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from platform_site.celery import app
from registries.models import ImportJob, InspectionObject
from registries.objects.importing import merge
from registries.objects.importing.services import import_job_is_running_somewhere
from tests.database import url_of_test_database
from tests.registries.imports.conftest import csv_bytes, object_rows, upload

pytestmark = [
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.filterwarnings("ignore:Results are not stored in backend:RuntimeWarning"),
]
ROWS = 120_000


@pytest.fixture
def start_worker(transactional_db, settings):
    processes: list[subprocess.Popen] = []

    def start(**extra_env: str) -> tuple[str, subprocess.Popen]:
        queue = f"test-import-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform_site.settings.base",
            "DATABASE_URL": url_of_test_database(),
            "REDIS_URL": settings.REDIS_URL,
            # this test's checkpoint log, not the development database's
            "AUDIT_CHECKPOINT_LOG": str(settings.AUDIT_CHECKPOINT_LOG),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DEBUG": "false",
            **extra_env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_site", "worker", "--pool=solo",
             "--queues", queue, "--hostname", f"{queue}@test", "--loglevel=WARNING", "--without-heartbeat",
             "--without-gossip", "--without-mingle"],
            env=env,
        )  # fmt: skip
        processes.append(process)
        return queue, process

    yield start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)
    # Indexes a direct load deferred must not outlive a failed test: the flush keeps the schema.
    merge.build_deferred_indexes()


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN "
            "('registries_inspectionobject', 'registries_objectsupervision') ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.worker
@pytest.mark.parametrize(
    "bulk_min_rows",
    [
        pytest.param("200000", id="staging table"),
        pytest.param("1000", id="direct load into the empty registry"),
    ],
)
def test_sigkill_mid_import_leaves_the_registry_untouched_and_a_rerun_imports_everything(
    start_worker, dept_admin_a, bulk_min_rows
):
    # given: a committed job with a file big enough to be caught in the middle
    job = ImportJob(
        department=dept_admin_a.department, created_by=dept_admin_a, original_name="big.csv", file_format="csv",
        status="queued",
    )  # fmt: skip
    job.file.save("big.csv", upload(csv_bytes(object_rows(ROWS, seed=11))), save=True)
    indexes = _indexes()
    queue, worker = start_worker(IMPORT_BULK_MIN_ROWS=bulk_min_rows)
    app.send_task("registries.jobs.object_import_job", args=[job.pk], queue=queue)

    # when: the worker has validated some rows (committed progress), it is killed outright
    _wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, processed_rows__gte=10_000).exists(),
        120,
        "progress",
    )
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=20)

    # then: nothing reached the registry and the job still says "running"
    job.refresh_from_db()
    assert job.status == "running"
    assert job.processed_rows < ROWS
    assert not InspectionObject.objects.exists()
    assert _indexes() == indexes

    # when: PostgreSQL has reaped the dead session and the job is delivered again
    _wait_for(
        lambda: not import_job_is_running_somewhere(job.pk), 60, "the dead session to go away"
    )
    queue, _worker = start_worker(IMPORT_BULK_MIN_ROWS=bulk_min_rows)
    result = app.send_task("registries.jobs.object_import_job", args=[job.pk], queue=queue).get(
        timeout=300
    )

    # then: exactly the file's rows are in the registry
    assert result == {"id": job.pk, "status": "succeeded", "inserted": ROWS, "updated": 0}
    assert InspectionObject.objects.count() == ROWS
    # and its indexes, those of a direct load once the deferred build has run on the worker
    assert app.send_task(
        "registries.jobs.build_deferred_indexes_job", queue=queue
    ).get(timeout=120) == ([] if bulk_min_rows == "200000" else [
        "object_industry_code_idx", "object_kind_status_idx", "object_name_chars", "object_name_trgm",
        "object_region_code_idx", "object_risk_status_idx", "registries_inspectionobject_code_7b2c57d7_like",
        "registries_objectsupervision_claimed_by_id_317a52b2", "supervision_dept_idx",
        "registries_objectsup_inspection_object_id_9fbf0a35_fk_registrie",
    ])  # fmt: skip
    assert _indexes() == indexes
    job.refresh_from_db()
    assert (job.attempts, job.processed_rows, job.invalid_rows) == (2, ROWS, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [job.staging_table])
        assert cursor.fetchone()[0] is None
