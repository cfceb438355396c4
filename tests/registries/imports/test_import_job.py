"""The Celery job: idempotent, crash-safe, reports progress."""

from itertools import pairwise

import pytest
from django.db import connection

from registries.jobs import object_import_job
from registries.models import (
    DeferredIndex,
    ImportJob,
    InspectionObject,
    ObjectChange,
    ObjectSupervision,
)
from registries.objects.importing import merge, services, validation
from tests.registries.imports.conftest import csv_bytes, object_rows, upload


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no except-Exception handler sees it."""


def queued_job(user, content: bytes) -> ImportJob:
    job = ImportJob(
        department=user.department, created_by=user, original_name="objects.csv", file_format="csv",
        file_size=len(content), status="queued",
    )  # fmt: skip
    job.file.save("objects.csv", upload(content), save=True)
    return job


def registry_snapshot():
    return (
        sorted(InspectionObject.objects.values_list("code", "name", "risk_class")),
        sorted(ObjectSupervision.objects.values_list("inspection_object__code", "department_id")),
        ObjectChange.objects.count(),
    )


@pytest.mark.django_db
def test_running_the_job_twice_changes_nothing_the_second_time(dept_admin_a):
    job = queued_job(dept_admin_a, csv_bytes(object_rows(10)))
    first = object_import_job(job.pk)
    snapshot = registry_snapshot()
    second = object_import_job(job.pk)
    assert first == second == {"id": job.pk, "status": "succeeded", "inserted": 10, "updated": 0}
    assert registry_snapshot() == snapshot
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_crash_in_the_middle_of_the_merge_leaves_the_registry_as_it_was(
    dept_admin_a, monkeypatch
):
    # given: a registry with some objects and a job that updates some and adds others
    rows = object_rows(6)
    queued = queued_job(dept_admin_a, csv_bytes(rows[:3]))
    object_import_job(queued.pk)
    before = registry_snapshot()
    rows[0][1] = "新名称"
    job = queued_job(dept_admin_a, csv_bytes(rows))

    # when: the worker dies after the objects were written but before supervisions and the commit
    original = merge.merge_staging

    def merge_then_die(*args, **kwargs):
        original(*args, **kwargs)
        assert InspectionObject.objects.count() == 6  # written inside the open transaction
        raise WorkerKilled

    monkeypatch.setattr(merge, "merge_staging", merge_then_die)
    with pytest.raises(WorkerKilled):
        object_import_job(job.pk)
    # then: nothing changed, the job still says "running"
    assert registry_snapshot() == before
    job.refresh_from_db()
    assert job.status == "running"

    # when: the job is delivered again (acks_late) after the crash
    monkeypatch.setattr(merge, "merge_staging", original)
    result = object_import_job(job.pk)
    # then: it starts from scratch and imports exactly the right rows
    assert result["status"] == "succeeded"
    assert (result["inserted"], result["updated"]) == (3, 1)
    assert InspectionObject.objects.count() == 6
    assert InspectionObject.objects.get(code=rows[0][0]).name == "新名称"
    job.refresh_from_db()
    assert job.attempts == 2
    assert ObjectChange.objects.filter(source="import").count() == 1


@pytest.mark.django_db
def test_an_unexpected_error_fails_the_job_and_retry_runs_it_again(
    dept_admin_a, monkeypatch, django_capture_on_commit_callbacks
):
    job = queued_job(dept_admin_a, csv_bytes(object_rows(4)))
    original = merge.merge_staging

    def broken(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge, "merge_staging", broken)
    with pytest.raises(RuntimeError):
        object_import_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "disk full" in job.failure_reason
    assert not InspectionObject.objects.exists()
    monkeypatch.setattr(merge, "merge_staging", original)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_retry(job=job, retried_by=dept_admin_a)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert InspectionObject.objects.count() == 4


@pytest.mark.django_db
def test_a_finished_job_cannot_be_retried(dept_admin_a):
    from django.core.exceptions import ValidationError

    job = queued_job(dept_admin_a, csv_bytes(object_rows(1)))
    object_import_job(job.pk)
    job.refresh_from_db()
    with pytest.raises(ValidationError):
        services.import_job_retry(job=job, retried_by=dept_admin_a)


@pytest.mark.django_db
def test_the_staging_table_of_a_dead_run_is_recreated_and_finally_dropped(dept_admin_a):
    job = queued_job(dept_admin_a, csv_bytes(object_rows(3)))
    # given: leftovers of a run that died during the COPY
    merge.create_staging_table(job.staging_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {job.staging_table} (row_no, code, name, region_code) VALUES (2, 'X', 'Y', '330102')"
        )
    ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=1)
    # when
    object_import_job(job.pk)
    # then
    assert InspectionObject.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [job.staging_table])
        assert cursor.fetchone()[0] is None


@pytest.mark.django_db
def test_a_large_import_into_the_empty_registry_defers_its_search_indexes_past_the_commit(
    dept_admin_a, monkeypatch, django_capture_on_commit_callbacks
):
    # given
    monkeypatch.setattr(merge, "BULK_REBUILD_MIN_ROWS", 1)
    tables = (merge.OBJECT_TABLE, merge.SUPERVISION_TABLE)
    before = {table: merge._secondary_indexes(table) for table in tables}
    constraints = {table: merge._rebuildable_constraints(table) for table in tables}
    job = queued_job(dept_admin_a, csv_bytes(object_rows(20)))
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        object_import_job(job.pk)
    # then: the rows and the constraints are in; the search and filter indexes are listed to
    # build, and the supervisions' key to the registry (in force, NOT VALID) to validate
    assert InspectionObject.objects.count() == 20
    assert {table: merge._rebuildable_constraints(table) for table in tables} == constraints
    assert all(merge._secondary_indexes(table) == [] for table in tables)
    (key,) = merge._foreign_keys_into_the_registry()
    assert merge._constraint_state(key[0]) is False
    assert sorted(DeferredIndex.objects.values_list("table", "name", "definition")) == sorted(
        [
            *((table, name, definition) for table in tables for name, definition in before[table]),
            (
                merge.SUPERVISION_TABLE,
                key[0],
                f'ALTER TABLE {merge.SUPERVISION_TABLE} VALIDATE CONSTRAINT "{key[0]}"',
            ),
        ]
    )
    assert merge.deferred_indexes_pending()
    assert InspectionObject.objects.filter(name__contains="测试企业7").count() >= 1
    # when: the job queued after the commit runs
    for callback in callbacks:
        callback()
    # then
    assert {table: merge._secondary_indexes(table) for table in tables} == before
    assert merge._constraint_state(key[0]) is True
    assert not merge.deferred_indexes_pending()
    assert merge.build_deferred_indexes() == []  # nothing left: running it again is harmless


@pytest.mark.usefixtures("transactional_db")
def test_progress_is_visible_to_other_connections_while_the_job_runs(
    dept_admin_a, monkeypatch, settings, tmp_path
):
    # given: progress every 50 rows, observed from the reporter's own connection
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "PROGRESS_EVERY", 50)
    seen: list[tuple[int, int]] = []
    original = services.ProgressReporter.update

    def spy(self, processed):
        original(self, processed)
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT processed_rows, status FROM registries_importjob WHERE id = %s",
                [self.job_id],
            )
            row = cursor.fetchone()
        seen.append((processed, row[0]))

    monkeypatch.setattr(services.ProgressReporter, "update", spy)
    rows = object_rows(600)
    rows[100][3] = "3301"  # the row loop reports progress row by row, the fast path per block
    job = queued_job(dept_admin_a, csv_bytes(rows))
    # when
    object_import_job(job.pk)
    # then: committed progress, at least once a block of rows (a part of one, or every 50 rows in
    # the row loop), up to the end
    reported = [processed for processed, _stored in seen]
    assert reported[-1] == 600
    assert reported == sorted(reported)
    assert 0 < reported[0] <= validation.BLOCK_ROWS
    assert all(later - earlier <= validation.BLOCK_ROWS for earlier, later in pairwise(reported))
    assert len(reported) >= 6
    assert all(processed == stored for processed, stored in seen)
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.progress_percent) == (600, 600, 100)
