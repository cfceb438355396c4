"""Validation of a large plain CSV in several processes.

Validating is the Python half of an import and runs on one core while PostgreSQL parses the COPY on
another; with a million rows it is the longest step. A plain CSV (no quotes, no lone carriage
returns: one line, one row; see reader.detect_csv_encoding) can be cut at line breaks into pieces
of about 1 MB, which worker processes validate with :func:`staging_chunks` itself, each knowing the
row number its piece starts at. This process reads the pieces, hands them out, and takes the
results back in file order, so the COPY lines, the error report and the counts come out exactly as
one process would give them. The one thing a piece cannot know is whether a code already appeared
in an earlier piece: that check happens here, on each piece's codes at once, and drops the rare
row that repeats an earlier one (its id stays unused: ids follow row numbers, see RegistryLoad).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from registries.importing.columns import HeaderMap
from registries.importing.reader import CHUNK, OpenedFile, csv_rows
from registries.importing.validation import (
    DepartmentDirectory,
    ErrorSink,
    RegistryLoad,
    ValidationStats,
    staging_chunks,
)

# Below this many rows a file is validated in this process: starting workers costs more.
PARALLEL_MIN_ROWS = 50_000


def worker_count() -> int:
    """Processes that validate pieces: IMPORT_WORKERS, else one per CPU but one (at most 4).

    The CPU left over is PostgreSQL's, which parses the COPY meanwhile. On 2 CPUs that means no
    workers: measured on the 2-core machine (docs/performance.md), validating a million rows in two
    workers took 7.1 s instead of 9.9 s with nothing else running, but 12.5 s instead of 11.7 s
    next to the COPY, the work of handing pieces out and back costing more than the second core
    gave.
    """
    configured = settings.IMPORT_WORKERS
    return configured if configured else min((os.cpu_count() or 1) - 1, 4)


@dataclass(frozen=True)
class _Setup:
    """What every piece is validated against (given to each worker once, at its start)."""

    header: HeaderMap
    departments: DepartmentDirectory
    # registry load (None: staging table)
    first_id: int | None
    stamp: str
    default_department_ids: tuple[int, ...]
    supervision_suffix: str
    supervisions: bool


@dataclass
class _Piece:
    text: str  # the COPY lines of its valid rows, in row order
    errors: list[tuple[int, str, str, str]]
    rows: int
    valid: int
    invalid: int
    error_count: int
    last_row_no: int
    codes: dict[str, int]  # code -> row number of each valid row, in row order
    supervisions: str
    department_ids: set[int]
    last_id: int


_setup: _Setup | None = None


def _start_worker(setup: _Setup, parent: int) -> None:
    global _setup
    _setup = setup
    # A worker blocks on its queue forever if the importing process is killed: follow it.
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _validate_piece(text: str, first_row_no: int) -> _Piece:
    setup = _setup
    errors: list[tuple[int, str, str, str]] = []
    stats = ValidationStats()
    supervisions: list[str] = []
    load = None
    if setup.first_id is not None:
        load = RegistryLoad(
            first_id=setup.first_id,
            stamp=setup.stamp,
            supervisions=supervisions.append if setup.supervisions else None,
            default_department_ids=list(setup.default_department_ids),
            supervision_suffix=setup.supervision_suffix,
        )
    lines = "".join(
        staging_chunks(
            csv_rows(io.StringIO(text, newline="")),
            setup.header,
            departments=setup.departments,
            stats=stats,
            report_error=lambda *error: errors.append(error),
            registry_load=load,
            first_row_no=first_row_no,
        )
    )
    return _Piece(
        text=lines,
        errors=errors,
        rows=stats.rows,
        valid=stats.valid,
        invalid=stats.invalid,
        error_count=stats.errors,
        last_row_no=stats.last_row_no,
        codes=stats.seen_codes,
        supervisions="".join(supervisions),
        department_ids=load.department_ids if load is not None else set(),
        last_id=load.last_id if load is not None else 0,
    )


def _pieces(handle) -> Iterator[tuple[str, int]]:
    """(text of whole lines, number of rows in it) from where ``handle`` stands."""
    pending = ""
    while True:
        chunk = handle.read(CHUNK)
        if not chunk:
            if pending:
                yield pending, 1
            return
        text = pending + chunk
        end = text.rfind("\n") + 1
        if end:
            piece, pending = text[:end], text[end:]
            yield piece, piece.count("\n")
        else:
            pending = text


def parallel_possible(opened: OpenedFile) -> bool:
    """A plain CSV, large enough, workers configured, and a process allowed to start them: the
    children of Celery's prefork pool are daemonic, and multiprocessing refuses children to those
    (the validation then stays in the task's process, as with ``--pool=solo`` it does not)."""
    return (
        opened.plain_text is not None
        and opened.total_rows >= PARALLEL_MIN_ROWS
        and worker_count() > 1
        and not multiprocessing.current_process().daemon
    )


def validated_chunks(
    opened: OpenedFile,
    header: HeaderMap,
    *,
    departments: DepartmentDirectory,
    stats: ValidationStats,
    report_error: ErrorSink,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    registry_load: RegistryLoad | None = None,
) -> Iterator[str]:
    """What ``staging_chunks(opened.rows, header, ...)`` yields (and does to ``stats`` and
    ``registry_load``), from several processes when the file allows (:func:`parallel_possible`;
    progress is then reported once a piece, about every 5,000 rows)."""
    if not parallel_possible(opened):
        yield from staging_chunks(
            opened.rows,
            header,
            departments=departments,
            stats=stats,
            report_error=report_error,
            progress=progress,
            progress_every=progress_every,
            registry_load=registry_load,
        )
        return
    load = registry_load
    setup = _Setup(
        header=header,
        departments=departments,
        first_id=load.first_id if load is not None else None,
        stamp=load.stamp if load is not None else "",
        default_department_ids=tuple(load.default_department_ids) if load is not None else (),
        supervision_suffix=load.supervision_suffix if load is not None else "",
        supervisions=load is not None and load.supervisions is not None,
    )
    if load is not None:
        load.department_ids.update(load.default_department_ids)
        load.last_id = load.first_id - 1
    workers = worker_count()
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(setup, os.getpid()),
    )
    pending: deque = deque()
    row_no = 1  # the last row handed out
    try:
        pieces = _pieces(opened.plain_text)
        while True:
            while len(pending) < 2 * workers:
                piece = next(pieces, None)
                if piece is None:
                    break
                text, rows = piece
                pending.append(executor.submit(_validate_piece, text, row_no + 1))
                row_no += rows
            if not pending:
                break
            result = pending.popleft().result()
            yield _merge_piece(result, stats, report_error, load, header.label("code"))
            if progress is not None:
                progress(stats.last_row_no - 1)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _merge_piece(
    piece: _Piece,
    stats: ValidationStats,
    report_error: ErrorSink,
    load: RegistryLoad | None,
    code_label: str,
) -> str:
    """Take a piece's outcome into the file's, dropping rows whose code an earlier piece had;
    return its COPY lines."""
    seen = stats.seen_codes
    text, errors, supervisions = piece.text, piece.errors, piece.supervisions
    valid, invalid, error_count = piece.valid, piece.invalid, piece.error_count
    if not seen.keys().isdisjoint(piece.codes):
        message = _("与文件第 %(row)s 行的编码重复")
        lines = text.split("\n")[:-1]  # COPY escapes line breaks inside values
        kept: list[str] = []
        dropped_ids: set[str] = set()
        errors = list(errors)
        for line, (code, row) in zip(lines, piece.codes.items(), strict=True):
            first = seen.get(code)
            if first is None:
                kept.append(line)
                continue
            errors.append((row, code_label, code, message % {"row": first}))
            if load is not None:
                dropped_ids.add(line.partition("\t")[0])
        errors.sort(key=lambda error: error[0])
        duplicates = len(lines) - len(kept)
        valid, invalid, error_count = (
            valid - duplicates,
            invalid + duplicates,
            error_count + duplicates,
        )
        text = "".join(line + "\n" for line in kept)
        if supervisions and dropped_ids:
            supervisions = "".join(
                line + "\n"
                for line in supervisions.split("\n")[:-1]
                if line.partition("\t")[0] not in dropped_ids
            )
        piece.codes = {code: row for code, row in piece.codes.items() if code not in seen}
    seen.update(piece.codes)
    for error in errors:
        report_error(*error)
    stats.rows += piece.rows
    stats.valid += valid
    stats.invalid += invalid
    stats.errors += error_count
    stats.last_row_no = max(stats.last_row_no, piece.last_row_no)
    if load is not None:
        if supervisions:
            load.supervisions(supervisions)
        load.department_ids |= piece.department_ids
        load.last_id = max(load.last_id, piece.last_id)
    return text
