"""Services of the object import: upload, run (the Celery job's body) and retry.

The run is built to survive a worker being killed at any moment:

1. claim: a session-level advisory lock on the job id (released by PostgreSQL when the worker's
   connection dies) plus a conditional UPDATE to "running". Holding the lock while the row says
   "running" means the previous run died: start again from scratch.
2. validate the file while COPYing the valid rows into the job's UNLOGGED staging table (dropped
   and recreated first); errors stream to the CSV report; progress goes through a second connection
   so the page sees it while the COPY is still open.
3. one transaction: lock the registry against other writers, drop conflicting rows, merge with
   set-based SQL, store the counts and the final status, record the audit event. Until this
   commits, the registry is untouched; after it commits, a repeat run finds the job finished.

A large file (merge.BULK_REBUILD_MIN_ROWS) into an empty registry skips the staging table: steps 2
and 3 become one transaction that locks the registry, finds it empty, drops its indexes, COPYs the
validated rows straight into it, adds the supervisions, rebuilds the indexes and stores the outcome
(_bulk_load). A killed worker's transaction rolls back, so the same guarantees hold.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from platform_site.exports import safe_cell
from platform_site.uploads import (
    OBJECT_IMPORT_MAX_BYTES,
    SpreadsheetLimits,
    Table,
    UploadError,
    open_table,
    sniff_encoding,
    spreadsheet_format,
)
from registries.models import ImportJob
from registries.objects.importing import merge
from registries.objects.importing.columns import HeaderError, HeaderMap, map_header
from registries.objects.importing.models import DuplicatePolicy, ImportMode, ImportStatus
from registries.objects.importing.permissions import can_import_objects
from registries.objects.importing.validation import (
    DepartmentDirectory,
    RegistryLoad,
    ValidationStats,
    other_departments_message,
    staging_chunks,
)

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = OBJECT_IMPORT_MAX_BYTES
MAX_ROWS = 1_000_000  # data rows, as the upload form says
# A million-row XLSX inflates to ~1 GB of sheet XML (CSV is the better format at that size); a
# legacy .xls holds at most 65,536 rows and is never larger than some tens of MB.
SPREADSHEET_LIMITS = SpreadsheetLimits(
    max_unpacked_bytes=1536 * 1024 * 1024,
    max_part_bytes=1280 * 1024 * 1024,
    max_shared_strings_bytes=256 * 1024 * 1024,
    max_xls_bytes=64 * 1024 * 1024,
)
PROGRESS_EVERY = 10_000
RUNNABLE = (ImportStatus.UPLOADED, ImportStatus.QUEUED, ImportStatus.RUNNING)
_LOCK_NAMESPACE = 0x1A0B  # advisory-lock class id of import jobs (second key: the job id)
ERROR_REPORT_HEADER = ("行号", "列", "值", "原因")


# Upload ---------------------------------------------------------------------------------------------


def _file_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xls"):
        return suffix[1:]
    raise ValidationError({"file": _("只能导入 CSV、XLSX 或 XLS 文件。")})


def check_import_file(path: Path, file_format: str) -> str:
    """The quick check at upload, in the web process; returns the format to read the file as.

    A CSV: its first 64 KB decode, its header names the required columns, a data row follows. A
    spreadsheet is only recognised by its first bytes (an .xls download is often an XLSX and the
    other way round): it is checked for zip bombs and entity expansion, and parsed, in the job.
    """
    if file_format != "csv":
        with open(path, "rb") as handle:
            found = spreadsheet_format(handle.read(8))
        if found is None:
            raise UploadError(
                _(
                    "无法读取文件：不是有效的 Excel 工作簿（.xlsx 或 .xls）。请另存为 .xlsx 或 CSV 后再上传。"
                )
            )
        return found
    table = open_table(path, file_format, full=False)
    try:
        try:
            map_header(table.header)
        except HeaderError as error:
            raise UploadError(str(error)) from None
        try:
            for index, row in enumerate(table.rows):
                if any(cell.strip() for cell in row):
                    return file_format
                if index > 1000:
                    return file_format
        except (csv.Error, UnicodeDecodeError):
            return file_format  # the full check in the job reports it with the line number
        raise UploadError(_("文件中只有表头，没有数据行。"))
    finally:
        table.close()


@transaction.atomic
def import_job_create(
    *,
    uploaded_by: User,
    upload: UploadedFile[bytes],
    mode: str = ImportMode.VALID_ROWS,
    duplicate_policy: str = DuplicatePolicy.UPDATE,
) -> ImportJob:
    """Store the uploaded file, check its encoding and header, and queue the import job."""
    if not can_import_objects(uploaded_by):
        raise PermissionDenied(_("您无权导入检查对象。"))
    office = uploaded_by.department is not None and uploaded_by.department.is_office
    if office and not uploaded_by.is_office_admin:
        # An import claims its objects for the importing department, and the office supervises
        # nothing: in the office, only its admins import (and assign the supervising departments).
        raise PermissionDenied(_("联席办只有管理员可以导入检查对象。"))
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("请选择导入方式。")})
    if duplicate_policy not in DuplicatePolicy.values:
        raise ValidationError({"duplicate_policy": _("请选择已有对象的处理方式。")})
    file_format = _file_format(upload.name or "")
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("文件过大：最大 512 MB。")})
    job = ImportJob(
        department=uploaded_by.department,
        created_by=uploaded_by,
        original_name=Path(upload.name or "import").name[:255],
        file_format=file_format,
        file_size=upload.size or 0,
        mode=mode,
        duplicate_policy=duplicate_policy,
        status=ImportStatus.UPLOADED,
    )
    job.file.save(f"objects.{file_format}", upload, save=False)
    try:
        job.file_format = check_import_file(Path(job.file.path), file_format)
    except UploadError as error:
        job.file.delete(save=False)
        raise ValidationError({"file": str(error)}) from None
    job.status = ImportStatus.QUEUED
    job.save()
    record_event(
        actor=uploaded_by,
        action="registries.import_upload",
        target=job,
        details={
            "file": job.original_name,
            "size": job.file_size,
            "mode": mode,
            "duplicate_policy": duplicate_policy,
        },
    )
    _enqueue_after_commit(job.pk)
    return job


def _enqueue_after_commit(job_id: int) -> None:
    from registries.jobs import object_import_job

    transaction.on_commit(lambda: object_import_job.delay(job_id))


def _build_deferred_indexes_after_commit() -> None:
    from registries.jobs import build_deferred_indexes_job

    build_deferred_indexes_job.delay()


# Claiming -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _job_lock(job_id: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, job_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, job_id])


def import_job_is_running_somewhere(job_id: int) -> bool:
    """Another session holds the job's lock: a worker is working on it right now."""
    with _job_lock(job_id) as locked:
        return not locked


def _claim(job_id: int) -> bool:
    claimed = ImportJob.objects.filter(pk=job_id, status__in=RUNNABLE).update(
        status=ImportStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        finished_at=None,
        processed_rows=0,
        valid_rows=0,
        invalid_rows=0,
        error_count=0,
        inserted_count=0,
        updated_count=0,
        unchanged_count=0,
        failure_reason="",
        error_report="",
        loaded_at=None,
    )
    return claimed == 1


# Error report and progress ----------------------------------------------------------------------------


class ErrorReport:
    """The downloadable error report: UTF-8 with BOM (so Excel opens it), written as rows fail."""

    def __init__(self, job: ImportJob):
        self.name = f"imports/errors/job-{job.pk}.csv"
        self.path = Path(settings.MEDIA_ROOT) / self.name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_suffix(".csv.part")
        self._handle = open(self.partial, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._writerow = csv.writer(self._handle).writerow
        self._writerow(ERROR_REPORT_HEADER)
        self.count = 0

    def write(self, row_no: int, column: str, value: str, reason: str) -> None:
        self.count += 1
        self._writerow((row_no, column, safe_cell(value), reason))

    def finish(self) -> str:
        """Close the report; return its storage name, or "" when nothing was wrong."""
        self._handle.close()
        if not self.count:
            self.partial.unlink(missing_ok=True)
            self.path.unlink(missing_ok=True)
            return ""
        os.replace(self.partial, self.path)
        return self.name

    def discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.partial.unlink(missing_ok=True)


class ProgressReporter:
    """Writes processed_rows through its own autocommit connection: the job's own connection is
    busy with the COPY, and its transaction would hide the number from the page anyway."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._connection: Any = None  # a raw psycopg connection of its own

    def update(self, processed: int) -> None:
        try:
            if self._connection is None:
                self._connection = connection.get_new_connection(connection.get_connection_params())
                self._connection.autocommit = True
                with self._connection.cursor() as cursor:
                    # a progress figure lost in a crash costs nothing: no flush to disk per update
                    cursor.execute("SET synchronous_commit = off")
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE registries_importjob SET processed_rows = %s, "
                    "total_rows = GREATEST(total_rows, %s) WHERE id = %s AND status = 'running'",
                    [processed, processed, self.job_id],
                )
        except Exception:  # progress is cosmetic: never fail an import because of it
            logger.warning("import job %s: progress update failed", self.job_id, exc_info=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> ProgressReporter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# The run ----------------------------------------------------------------------------------------------


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run (or re-run) an import job. Idempotent: a finished job is returned untouched, a job
    being run by another worker is left alone (None), a job whose last run died starts afresh."""
    with _job_lock(job_id) as locked:
        if not locked:
            logger.info("import job %s is running in another worker", job_id)
            return None
        if not _claim(job_id):
            return ImportJob.objects.filter(pk=job_id).first()
        job = ImportJob.objects.select_related("department", "created_by").get(pk=job_id)
        try:
            return _run(job)
        except UploadError as error:
            return _finish_failed(job, str(error))
        except Exception as error:
            _finish_failed(
                job,
                _("导入过程中发生内部错误，请稍后重试或联系管理员。（%(error)s）")
                % {"error": error},
            )
            raise
        finally:
            with contextlib.suppress(Exception):
                merge.drop_staging_table(job.staging_table)


def _finish_failed(job: ImportJob, reason: str) -> ImportJob:
    with transaction.atomic():
        job.status = ImportStatus.FAILED
        job.failure_reason = reason[:2000]
        job.finished_at = timezone.now()
        job.error_report = ""
        job.save(update_fields=["status", "failure_reason", "finished_at", "error_report"])
        record_event(
            actor=job.created_by,
            action="registries.import",
            target=job,
            details={"status": job.status, "reason": job.failure_reason, "file": job.original_name},
        )
    return job


def _run(job: ImportJob) -> ImportJob:
    started = time.monotonic()
    path = Path(job.file.path)
    # The encoding is decided from the start of the file, not by decoding all of it first (a
    # second pass over a 180 MB file, ~1 s): a bad byte further on stops the parse, the one
    # transaction rolls back, and _file_errors names its line.
    opened = open_table(path, job.file_format, limits=SPREADSHEET_LIMITS, full=False)
    report: ErrorReport | None = None
    try:
        try:
            header = map_header(opened.header)
        except HeaderError as error:
            raise UploadError(str(error)) from None
        ImportJob.objects.filter(pk=job.pk).update(total_rows=opened.total_rows)
        departments = DepartmentDirectory.load(
            importing_department=None if job.created_by.is_office_admin else job.department
        )
        if opened.total_rows >= merge.BULK_REBUILD_MIN_ROWS:
            report = ErrorReport(job)
            with merge.timed("bulk load (incl. commit)"):
                # every object is new: a department may name no other department at all
                strict = dataclasses.replace(departments, strict=True)
                loaded = _bulk_load(job, opened, header, strict, report, started)
            if loaded is not None:
                return loaded
            report.discard()  # the registry is not empty: the staging path below
        table = job.staging_table
        with transaction.atomic():
            merge.create_staging_table(table)
        report = ErrorReport(job)
        stats = ValidationStats()
        progress = ProgressReporter(job.pk)
        chunks = staging_chunks(
            opened.rows,
            header,
            departments=departments,
            stats=stats,
            report_error=report.write,
            progress=progress.update,
            progress_every=PROGRESS_EVERY,
            first_row_no=opened.header_row,
            max_rows=MAX_ROWS,
        )
        with (
            _file_errors(stats, path),
            progress,
            transaction.atomic(),
            merge.timed("validate + COPY into staging"),
        ):
            merge.copy_into_staging(table, chunks)
        stats.seen_codes.clear()
        if stats.rows == 0:
            raise UploadError(_("文件中只有表头，没有数据行。"))
        with merge.timed("merge transaction (incl. commit)"):
            return _merge_and_finish(job, table, header, stats, report, started)
    finally:
        if report is not None:
            report.discard()
        opened.close()


@contextlib.contextmanager
def _file_errors(stats: ValidationStats, path: Path) -> Iterator[None]:
    """A file that turns out unreadable while it is being validated: the job fails with the line."""
    try:
        yield
    except UnicodeDecodeError:
        sniff_encoding(path)  # the whole file, this time: names the line of the first bad byte
        raise UploadError(
            _("第 %(row)s 行附近的内容无法按文件编码读取：文件编码不一致或已损坏。")
            % {"row": stats.last_row_no}
        ) from None
    except csv.Error as error:
        raise UploadError(
            _("第 %(row)s 行附近不是有效的 CSV：%(error)s")
            % {"row": stats.last_row_no, "error": error}
        ) from None


class _Rejected(Exception):
    """Rolls back a bulk load whose file has invalid rows in the all-or-nothing mode."""


def _bulk_load(
    job: ImportJob,
    opened: Table,
    header: HeaderMap,
    departments: DepartmentDirectory,
    report: ErrorReport,
    started: float,
) -> ImportJob | None:
    """A large file into an empty registry: validated rows go straight into the registry
    (merge.bulk_load_begin), in one transaction with the job's outcome. Returns None, having
    changed nothing, when the registry is not empty."""
    is_office = job.created_by.is_office_admin
    default_department_ids = [] if is_office else [job.department_id]
    stats = ValidationStats()
    try:
        with transaction.atomic():
            load = merge.bulk_load_begin(job.pk)
            if load is None:
                return None
            with contextlib.ExitStack() as stack:
                supervisions = None
                if header.has("departments"):
                    supervisions = stack.enter_context(
                        tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
                    )
                registry_load = RegistryLoad(
                    first_id=load.first_id,
                    stamp=str(load.now),
                    supervisions=supervisions.write if supervisions is not None else None,
                    default_department_ids=default_department_ids,
                    # no claimer on each row: the job is (see merge.bulk_load_finish)
                    supervision_suffix=f"\tclaimed\t{load.now}\t\\N\n",
                )
                progress = stack.enter_context(ProgressReporter(job.pk))
                chunks = staging_chunks(
                    opened.rows,
                    header,
                    departments=departments,
                    stats=stats,
                    report_error=report.write,
                    progress=progress.update,
                    progress_every=PROGRESS_EVERY,
                    registry_load=registry_load,
                    first_row_no=opened.header_row,
                    max_rows=MAX_ROWS,
                )
                with (
                    _file_errors(stats, Path(job.file.path)),
                    merge.timed("validate + COPY into the registry"),
                ):
                    merge.copy_into_registry(chunks)
                progress.close()
                stats.seen_codes.clear()
                if stats.rows == 0:
                    raise UploadError(_("文件中只有表头，没有数据行。"))
                _count(job, stats)
                if job.mode == ImportMode.ALL_OR_NOTHING and job.invalid_rows:
                    raise _Rejected
                merge.bulk_load_finish(
                    load,
                    last_id=registry_load.last_id,
                    supervisions_file=supervisions,
                    default_department_ids=default_department_ids,
                )
            job.inserted_count, job.updated_count, job.unchanged_count = stats.valid, 0, 0
            job.status = ImportStatus.SUCCEEDED
            job.loaded_at = load.now
            # robust: the rows are in; if the queue is unreachable, beat builds the indexes later
            transaction.on_commit(_build_deferred_indexes_after_commit, robust=True)
            return _save_outcome(job, report, started)
    except _Rejected:
        pass
    # all or nothing, and something was wrong: the registry stays empty
    with transaction.atomic():
        job.status = ImportStatus.REJECTED
        return _save_outcome(job, report, started)


def _count(job: ImportJob, stats: ValidationStats, conflicts: int = 0) -> None:
    job.invalid_rows = stats.invalid + conflicts
    job.valid_rows = stats.valid - conflicts
    job.error_count = stats.errors + conflicts
    job.processed_rows = job.total_rows = stats.last_row_no - stats.first_row_no


def _merge_and_finish(
    job: ImportJob,
    table: str,
    header: HeaderMap,
    stats: ValidationStats,
    report: ErrorReport,
    started: float,
) -> ImportJob:
    present = header.positions.keys()
    code_label, departments_label = header.label("code"), header.label("departments")
    is_office = job.created_by.is_office_admin
    with transaction.atomic():
        merge.lock_registry()
        conflicts = 0
        messages = {
            "exists": _("该编码的对象已在名录库中（按所选方式作为重复报错，未导入）"),
            "disputed": _("本部门对该对象的认领尚待联席办确认，确认前不能通过导入修改该对象"),
            "foreign": _("该对象不由本部门监管，不能通过导入修改（可在对象页面申请认领）"),
        }
        # "Report duplicates": every code already in the registry. Then, for a department's
        # import, what it may not do: change an object it does not supervise undisputed, or name a
        # department that does not already supervise the object (the office may do both).
        passes: list[int | None] = [None] if job.duplicate_policy == DuplicatePolicy.REPORT else []
        if not is_office:
            passes.append(job.department_id)
        for conflict_department in passes:
            found = 0
            for row_no, code, reason, others in merge.iter_conflicts(
                table, department_id=conflict_department
            ):
                if reason == "others":
                    report.write(
                        row_no,
                        departments_label,
                        "、".join(others or []),
                        other_departments_message(job.department.code, others or []),
                    )
                else:
                    report.write(row_no, code_label, code, messages[reason])
                found += 1
            if found:
                merge.delete_conflicts(table, department_id=conflict_department)
            conflicts += found
        _count(job, stats, conflicts)
        if job.mode == ImportMode.ALL_OR_NOTHING and job.invalid_rows:
            job.status = ImportStatus.REJECTED
        else:
            with merge.timed("merge_staging"):
                counts = merge.merge_staging(
                    table,
                    present=set(present),
                    changed_by_id=job.created_by_id,
                    default_department_ids=[] if is_office else [job.department_id],
                    update_existing=job.duplicate_policy == DuplicatePolicy.UPDATE,
                    staged=job.valid_rows,
                )
            job.inserted_count, job.updated_count, job.unchanged_count = (
                counts.inserted,
                counts.updated,
                counts.unchanged,
            )
            job.status = ImportStatus.SUCCEEDED
        return _save_outcome(job, report, started)


def _save_outcome(job: ImportJob, report: ErrorReport, started: float) -> ImportJob:
    """Store the counts and the final status and record the audit event (in the caller's
    transaction, the one that changed the registry)."""
    job.error_report = report.finish()
    job.finished_at = timezone.now()
    job.duration_seconds = round(time.monotonic() - started, 3)
    job.save(
        update_fields=[
            "status", "invalid_rows", "valid_rows", "error_count", "processed_rows", "total_rows",
            "inserted_count", "updated_count", "unchanged_count", "error_report", "finished_at",
            "duration_seconds", "loaded_at",
        ]
    )  # fmt: skip
    record_event(
        actor=job.created_by,
        action="registries.import",
        target=job,
        details={
            "status": job.status,
            "file": job.original_name,
            "mode": job.mode,
            "duplicate_policy": job.duplicate_policy,
            "rows": job.total_rows,
            "valid": job.valid_rows,
            "invalid": job.invalid_rows,
            "inserted": job.inserted_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
        },
    )
    return job


# Retry --------------------------------------------------------------------------------------------------


@transaction.atomic
def import_job_retry(*, job: ImportJob, retried_by: User) -> ImportJob:
    """Queue a failed job, or one whose worker died, again. Safe to call twice: the run claims."""
    if not can_import_objects(retried_by):
        raise PermissionDenied(_("您无权导入检查对象。"))
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    stale = job.status in (
        ImportStatus.RUNNING,
        ImportStatus.QUEUED,
    ) and not import_job_is_running_somewhere(job.pk)
    if job.status != ImportStatus.FAILED and not stale:
        raise ValidationError(_("只有失败或中断的导入任务可以重新运行。"))
    job.status = ImportStatus.QUEUED
    job.save(update_fields=["status"])
    record_event(
        actor=retried_by,
        action="registries.import_retry",
        target=job,
        details={"attempts": job.attempts},
    )
    _enqueue_after_commit(job.pk)
    return job
