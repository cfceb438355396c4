"""The staging table of one import job and the set-based merge into the registry.

Valid rows are COPYed into an UNLOGGED table named after the job (no WAL for data we can always
recompute from the uploaded file). The merge then runs as a handful of statements in the caller's
single transaction: update the existing objects that really change (with their history rows),
insert the new ones, add the supervising departments. Nothing touches the registry before that
transaction, so a job killed at any point leaves the registry exactly as it was.

A large file into an empty registry skips the staging table (see "Direct bulk load" below).
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection

from accounts.models import Department
from registries.objects.importing.columns import COLUMN_KEYS
from registries.objects.importing.validation import (
    CLEAR,
    ENUM_DEFAULTS,
    REGISTRY_COPY_COLUMNS,
    STAGING_COLUMNS,
)

logger = logging.getLogger(__name__)
_STATEMENT_TARGET = re.compile(r"(?:INDEX|CONSTRAINT) (\S+)")

OBJECT_TABLE = "registries_inspectionobject"
SUPERVISION_TABLE = "registries_objectsupervision"
CHANGE_TABLE = "registries_objectchange"

_STAGING_TYPES = {
    "row_no": "integer NOT NULL",
    "code": "text NOT NULL",
    "name": "text NOT NULL",
    "region_code": "text NOT NULL",
    "departments": "bigint[]",
    "anomaly_since": "date",
    "serious_violation_since": "date",
    "penalised_at": "date",
    "group_complaint_at": "date",
}
DATE_FIELDS = ("anomaly_since", "serious_violation_since", "penalised_at", "group_complaint_at")
# Registry columns fed by the import, in the registry's terms (departments is not a column).
REGISTRY_FIELDS = tuple(key for key in COLUMN_KEYS if key != "departments")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@contextlib.contextmanager
def timed(phase: str) -> Iterator[None]:
    """Log how long a phase of an import took (DEBUG on ``registries.objects.importing.merge``): wall time,
    and this process's CPU time (the rest of the wall time is the server working or waiting)."""
    if not logger.isEnabledFor(logging.DEBUG):
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        logger.debug(
            "import phase %-40s %7.2f s wall %7.2f s python",
            phase,
            time.perf_counter() - wall,
            time.process_time() - cpu,
        )


def create_staging_table(table: str) -> None:
    """Drop whatever a previous, interrupted run left and start empty."""
    columns = ", ".join(
        f"{_quote(column)} {_STAGING_TYPES.get(column, 'text')}" for column in STAGING_COLUMNS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {_quote(table)} ({columns}) WITH (autovacuum_enabled = false)"
        )


def drop_staging_table(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)}")


class ChunkReader:
    """A file-like object over an iterator of str chunks, for psycopg2's ``copy_expert``.

    An exception raised while producing rows is kept and re-raised after COPY returns, so the
    database connection is never left in the middle of a COPY.
    """

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> str:
        if self.error is not None:
            return ""
        try:
            return next(self._chunks, "")
        except Exception as error:
            self.error = error
            return ""

    readline = read


def copy_into_staging(table: str, chunks: Iterator[str]) -> None:
    reader = ChunkReader(chunks)
    columns = ", ".join(_quote(column) for column in STAGING_COLUMNS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {_quote(table)} ({columns}) FROM STDIN WITH (FORMAT text, NULL '')",
            reader,
            size=1 << 16,
        )
        if reader.error is None:
            with timed("analyze staging"):
                # Statistics for the joins with the registry (on code) and the sort on row_no; the
                # other columns are never filtered on.
                cursor.execute(f"ANALYZE {_quote(table)} (row_no, code, departments)")
    if reader.error is not None:
        raise reader.error


def _insert_expression(field: str) -> str:
    """A new object's field from its staged value (blank or the clear marker: empty)."""
    column = f"s.{_quote(field)}"
    if field in ENUM_DEFAULTS:
        return f"COALESCE({column}, '{ENUM_DEFAULTS[field]}')"
    if field == "licence_types":
        return f"COALESCE(string_to_array(NULLIF({column}, '{CLEAR}'), ';'), '{{}}')::varchar(40)[]"
    if field in DATE_FIELDS or field in ("code", "name", "region_code"):
        return column
    return f"COALESCE(NULLIF({column}, '{CLEAR}'), '')"


def _update_expression(field: str) -> str:
    """What an existing object's field becomes: a blank cell (NULL in the staging table) keeps the
    stored value; the clear marker empties a clearable field (validation let no other through)."""
    column, current = f"s.{_quote(field)}", f"o.{_quote(field)}"
    if field in ("code", "name", "region_code"):
        return column  # required: never blank in a valid row
    if field in ENUM_DEFAULTS or field in DATE_FIELDS:
        return f"COALESCE({column}, {current})"
    if field == "licence_types":
        return (
            f"CASE WHEN {column} IS NULL THEN {current} WHEN {column} = '{CLEAR}' "
            f"THEN '{{}}'::varchar(40)[] ELSE string_to_array({column}, ';')::varchar(40)[] END"
        )
    return f"CASE WHEN {column} IS NULL THEN {current} WHEN {column} = '{CLEAR}' THEN '' ELSE {column} END"


# An import at least this large, and at least as large as the registry, rebuilds the registry's
# indexes and constraints instead of maintaining them row by row (PostgreSQL's "populating a
# database" advice): building a trigram GIN index or a unique btree over a million rows is several
# times faster than inserting a million entries into it one by one. The drops and the rebuilds
# happen inside the merge transaction, so a crash restores them with everything else; the price is
# that readers of the registry wait for the merge to commit (an initial load, not an everyday import).
BULK_REBUILD_MIN_ROWS = settings.IMPORT_BULK_MIN_ROWS  # 200,000 unless the environment says
# Session settings of the merge transaction (SET LOCAL: they end with it). Memory for the index
# builds (a GIN build flushes its entries each time this fills up; with 2 parallel workers each
# gets a share) and for the hash joins between the staging table and the registry.
MAINTENANCE_WORK_MEM = "512MB"
WORK_MEM = "64MB"


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes no constraint depends on (the primary key and the unique
    constraints are handled by :func:`_rebuildable_constraints`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
            ORDER BY i.indexname
            """,
            [table],
        )
        return list(cursor.fetchall())


def _rebuildable_constraints(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's PRIMARY KEY and UNIQUE constraints that no foreign key
    points at (the supervisions' primary key, not the registry's): dropped before a bulk insert and
    added back after it, which checks every row again in one pass."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
            ORDER BY c.conname
            """,
            [table],
        )
        return list(cursor.fetchall())


def _foreign_keys_into_the_registry() -> list[tuple[str, str]]:
    """(name, definition) of the supervisions' foreign keys to the registry."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.confrelid = %s::regclass AND c.contype = 'f'
            ORDER BY c.conname
            """,
            [SUPERVISION_TABLE, OBJECT_TABLE],
        )
        return list(cursor.fetchall())


def drop_indexes_and_constraints(cursor, *, defer_indexes_for_job: int | None = None) -> list[str]:
    """Drop the secondary indexes and the rebuildable unique constraints of the registry and its
    supervisions, and the supervisions' foreign key to the registry (inside the caller's
    transaction); return the statements that restore them.

    With ``defer_indexes_for_job``, the secondary indexes (search and filters, no constraint) are
    not among them: they are recorded as DeferredIndex rows, in the same transaction, for
    :func:`build_deferred_indexes` to build after the commit.
    """
    from registries.models import DeferredIndex

    restore: list[str] = []
    deferred: list[DeferredIndex] = []
    # The supervisions' foreign key to the registry too: a trigger checks it once per new row
    # (~4 s for a million), adding it back checks every row in one join (~0.3 s). Both tables are
    # locked against everyone by the index drops anyway. (The keys to departments and users stay:
    # dropping one would lock that table, and with it every page, until the commit.)
    fks = _foreign_keys_into_the_registry()
    for name, _definition in fks:
        cursor.execute(f"ALTER TABLE {SUPERVISION_TABLE} DROP CONSTRAINT {_quote(name)}")
    for relation in (OBJECT_TABLE, SUPERVISION_TABLE):
        for name, definition in _rebuildable_constraints(relation):
            cursor.execute(f"ALTER TABLE {relation} DROP CONSTRAINT {_quote(name)}")
            restore.append(f"ALTER TABLE {relation} ADD CONSTRAINT {_quote(name)} {definition}")
        for name, definition in _secondary_indexes(relation):
            cursor.execute(f"DROP INDEX {_quote(name)}")
            if defer_indexes_for_job is None:
                restore.append(definition)
            else:
                deferred.append(
                    DeferredIndex(
                        name=name,
                        table=relation,
                        definition=definition,
                        job_id=defer_indexes_for_job,
                    )
                )
    for name, definition in fks:
        add = f"ALTER TABLE {SUPERVISION_TABLE} ADD CONSTRAINT {_quote(name)} {definition}"
        if defer_indexes_for_job is None:
            restore.append(add)
        else:
            # A direct load's supervisions point at the objects it numbered itself: the key is
            # enforced again from the commit on (NOT VALID still checks every later change), and
            # the check of the loaded rows, a formality, is done after the commit with the indexes.
            restore.append(f"{add} NOT VALID")
            deferred.append(
                DeferredIndex(
                    name=name,
                    table=SUPERVISION_TABLE,
                    definition=f"ALTER TABLE {SUPERVISION_TABLE} VALIDATE CONSTRAINT {_quote(name)}",
                    job_id=defer_indexes_for_job,
                )
            )
    if deferred:
        # A definition left by an earlier load whose index was never built is the same one.
        DeferredIndex.objects.bulk_create(
            deferred,
            update_conflicts=True,
            unique_fields=["name"],
            update_fields=["definition", "job"],
        )
    return restore


def restore_indexes_and_constraints(cursor, statements: list[str]) -> None:
    """Run the statements of :func:`drop_indexes_and_constraints`. PostgreSQL builds B-tree and GIN
    indexes with parallel workers when max_parallel_maintenance_workers allows (the default, 2):
    the index builds are most of a bulk load's time, and nothing else runs meanwhile."""
    if not statements:
        return
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    for statement in statements:
        target = _STATEMENT_TARGET.search(statement)
        with timed(f"rebuild {target.group(1) if target else statement[:40]}"):
            cursor.execute(statement)


def _registry_size_estimate() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [OBJECT_TABLE],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def may_rebuild_indexes() -> bool:
    """Whether this session may drop and create the registry's indexes and constraints: it must
    own the tables (or be a member of their owner's role). A runtime role that does not gets the
    everyday path: rows merged with every index kept, slower for a large file, never refused."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
            "WHERE oid IN (%s::regclass, %s::regclass)",
            [OBJECT_TABLE, SUPERVISION_TABLE],
        )
        return bool(cursor.fetchone()[0])


def should_rebuild_indexes(staged: int) -> bool:
    return (
        staged >= BULK_REBUILD_MIN_ROWS
        and staged >= _registry_size_estimate()
        and may_rebuild_indexes()
    )


@dataclass(frozen=True)
class MergeCounts:
    inserted: int
    updated: int
    unchanged: int
    staged: int
    rebuilt_indexes: int = 0


def staged_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {_quote(table)}")
        return cursor.fetchone()[0]


def lock_registry() -> None:
    """Writers of objects and of their supervisions wait until the merge commits, so neither "exists
    or not" nor "who supervises it" can change between the statements below (a claim, a release
    or a resolved dispute in between would otherwise let a department change an object it no
    longer supervises). Readers are not blocked."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"LOCK TABLE {OBJECT_TABLE}, {SUPERVISION_TABLE} IN SHARE ROW EXCLUSIVE MODE"
        )


def _conflict_query(table: str, department_id: int | None) -> tuple[str, Any]:
    """The staged rows that must not be merged (see :func:`iter_conflicts`): row_no, code,
    reason, and the codes of the other departments a department's row names."""
    if department_id is None:
        return (
            f"SELECT s.row_no, s.code, 'exists', NULL::text[] FROM {_quote(table)} s "
            f"JOIN {OBJECT_TABLE} o ON o.code = s.code",
            [],
        )
    departments = _quote(Department._meta.db_table)
    # A department changes only the objects it supervises undisputed (its claimed supervision),
    # and names no department but itself and those already supervising the object.
    return (
        f"""
        SELECT s.row_no, s.code,
               CASE WHEN o.id IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id
                        AND v.department_id = %(department)s AND v.status = 'claimed')
                    THEN CASE WHEN EXISTS (
                        SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id
                        AND v.department_id = %(department)s) THEN 'disputed' ELSE 'foreign' END
                    ELSE 'others' END,
               others.codes
        FROM {_quote(table)} s
        LEFT JOIN {OBJECT_TABLE} o ON o.code = s.code
        LEFT JOIN LATERAL (
            SELECT array_agg(d.code ORDER BY d.code) AS codes
            FROM unnest(s.departments) AS named(department_id)
            JOIN {departments} d ON d.id = named.department_id
            WHERE s.departments IS NOT NULL AND named.department_id <> %(department)s AND NOT EXISTS (
                SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id
                AND v.department_id = named.department_id AND v.status = 'claimed')
        ) AS others ON true
        WHERE (o.id IS NOT NULL AND NOT EXISTS (
                  SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id
                  AND v.department_id = %(department)s AND v.status = 'claimed'))
           OR others.codes IS NOT NULL
        """,
        {"department": department_id},
    )


def iter_conflicts(
    table: str, *, department_id: int | None
) -> Iterator[tuple[int, str, str, list[str] | None]]:
    """Staged rows that must not be merged, in row order: (row_no, code, reason, other codes).

    ``department_id`` None (the "report duplicates" policy): every code already in the registry,
    reason "exists". Otherwise, for that department's import: rows for objects it does not
    supervise undisputed, reason "disputed" when its claim waits for the office, "foreign" when it
    has none; and rows naming other departments that do not already supervise the object,
    reason "others" with their codes (an import claims for the importing department alone).
    """
    sql, params = _conflict_query(table, department_id)
    # A server-side cursor: re-importing a whole registry with "report duplicates" yields a
    # million conflicts, which must not be fetched into memory at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS c ORDER BY row_no", params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def delete_conflicts(table: str, *, department_id: int | None) -> None:
    sql, params = _conflict_query(table, department_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_quote(table)} WHERE row_no IN (SELECT row_no FROM ({sql}) AS c)",
            params,
        )


def _supervision_rows(source: str, department_ids: list[int], *, staging: str, explicit: bool):
    """SELECT list + FROM of the supervisions of the objects in `source` (an alias with id, code)."""
    columns = "{source}.id, {department}, 'claimed', %(now)s, %(user)s"
    if explicit:  # some rows name their departments; the others get the default ones
        return (
            columns.format(source=source, department="d.department_id")
            + f" FROM {source} JOIN {staging} s ON s.code = {source}.code"
            " CROSS JOIN LATERAL unnest(COALESCE(s.departments, %(default)s::bigint[])) AS d(department_id)"
        )
    if len(department_ids) == 1:
        return (
            columns.format(source=source, department="%(department)s::bigint") + f" FROM {source}"
        )
    return (
        columns.format(source=source, department="d.department_id")
        + f" FROM {source} CROSS JOIN unnest(%(default)s::bigint[]) AS d(department_id)"
    )


def _update_existing(
    cursor, staging: str, *, present: set[str], update_fields: bool, params
) -> int:
    """Change the objects already in the registry that the staged rows name (the caller removed
    the rows it may not merge): their fields (``update_fields``) and the supervising departments
    a row names (only the office's rows can add one: a department's remaining rows are objects it
    already supervises, naming departments that already do). One history row per object that
    really changes, carrying [before, after] per field and [null, "claimed"] per added
    department. Returns the number of changed objects.

    One statement: ``old`` and ``upd`` see the same snapshot, so ``old`` holds the values from
    before the update; the supervisions an existing object gains are inserted beside it.
    """
    fields = [field for field in REGISTRY_FIELDS if field in present and field != "code"]
    if not update_fields:
        fields = []
    field_changes = "SELECT NULL::bigint AS id, NULL::jsonb AS changes WHERE false"
    updates = ""
    if fields:
        new_values = [_update_expression(field) for field in fields]
        assignments = ", ".join(
            f"{_quote(field)} = {value}" for field, value in zip(fields, new_values, strict=True)
        )
        current = ", ".join(f"o.{_quote(field)}" for field in fields)
        history = ", ".join(
            f"'{field}', CASE WHEN old.{_quote(field)} IS DISTINCT FROM upd.{_quote(field)} "
            f"THEN jsonb_build_array(old.{_quote(field)}, upd.{_quote(field)}) END"
            for field in fields
        )
        returning = ", ".join(f"o.{_quote(field)}" for field in fields)
        updates = f"""
            old AS (
                SELECT o.id, {current} FROM {OBJECT_TABLE} o JOIN {staging} s ON s.code = o.code
            ), upd AS (
                UPDATE {OBJECT_TABLE} o SET {assignments}, updated_at = %(now)s
                FROM {staging} s
                WHERE o.code = s.code AND ({current}) IS DISTINCT FROM ({", ".join(new_values)})
                RETURNING o.id, {returning}
            ),"""
        field_changes = (
            f"SELECT upd.id, jsonb_strip_nulls(jsonb_build_object({history})) AS changes "
            "FROM upd JOIN old ON old.id = upd.id"
        )
    departments = Department._meta.db_table
    cursor.execute(
        f"""
        WITH {updates} added AS (
            INSERT INTO {SUPERVISION_TABLE} (inspection_object_id, department_id, status, claimed_at, claimed_by_id)
            SELECT o.id, d.department_id, 'claimed', %(now)s, %(user)s
            FROM {staging} s
            JOIN {OBJECT_TABLE} o ON o.code = s.code
            CROSS JOIN LATERAL unnest(s.departments) AS d(department_id)
            WHERE s.departments IS NOT NULL
            ON CONFLICT (inspection_object_id, department_id) DO NOTHING
            RETURNING inspection_object_id, department_id
        ), sup AS (
            SELECT a.inspection_object_id AS id,
                   jsonb_object_agg('supervision.' || d.code, jsonb_build_array(NULL, 'claimed')) AS changes
            FROM added a JOIN {_quote(departments)} d ON d.id = a.department_id
            GROUP BY a.inspection_object_id
        ), fld AS ({field_changes})
        INSERT INTO {CHANGE_TABLE} (inspection_object_id, changed_at, changed_by_id, source, changes)
        SELECT COALESCE(fld.id, sup.id), %(now)s, %(user)s, 'import',
               COALESCE(fld.changes, '{{}}'::jsonb) || COALESCE(sup.changes, '{{}}'::jsonb)
        FROM fld FULL JOIN sup ON sup.id = fld.id
        """,
        params,
    )
    return cursor.rowcount


def merge_staging(
    table: str,
    *,
    present: set[str],
    changed_by_id: int,
    default_department_ids: list[int],
    update_existing: bool,
    staged: int | None = None,
) -> MergeCounts:
    """Merge the staging table into the registry. Must run inside the caller's transaction.

    ``present`` holds the columns the file has: an existing object's other fields are left alone.
    Objects that would not change are not touched (no history row, no updated_at bump).
    ``staged`` is the number of rows in the staging table when the caller knows it.
    """
    staging = _quote(table)
    if staged is None:
        staged = staged_count(table)
    updated = 0
    with connection.cursor() as cursor:
        # A commit lost in a crash leaves the job "running": the re-run repeats the whole merge, so
        # the merge need not wait for its commit record to reach the disk. Memory for the joins.
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute(f"SELECT now(), NOT EXISTS (SELECT 1 FROM {OBJECT_TABLE})")
        now, registry_empty = cursor.fetchone()
        explicit = "departments" in present
        if explicit:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {staging} WHERE departments IS NOT NULL)")
            explicit = cursor.fetchone()[0]
        params = {
            "now": now,
            "user": changed_by_id,
            "default": default_department_ids,
            "department": default_department_ids[0] if default_department_ids else None,
        }
        if not registry_empty:
            with timed("update existing objects"):
                updated = _update_existing(
                    cursor, staging, present=present, update_fields=update_existing, params=params
                )

        rebuild = should_rebuild_indexes(staged - updated)
        dropped: list[str] = []
        if rebuild:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; DROP/CREATE INDEX refuse to
            # run on a table with pending checks, so run the checks of the rows written so far.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            dropped = drop_indexes_and_constraints(cursor)

        # The new objects, numbered in file order, and their supervisions, in one statement: the
        # supervisions read the new ids from the INSERT … RETURNING instead of joining the registry.
        fields = list(REGISTRY_FIELDS)
        supervisions = ""
        if explicit or default_department_ids:
            supervisions = f""", sup AS (
                INSERT INTO {SUPERVISION_TABLE} (inspection_object_id, department_id, status, claimed_at, claimed_by_id)
                SELECT {_supervision_rows("ins", default_department_ids, staging=staging, explicit=explicit)}
            )"""
        # Into an empty registry every staged row is new. (The sort stays: COPY does not promise
        # to store rows in the order it received them, and the ids follow the file.)
        new_rows = (
            ""
            if registry_empty
            else f"WHERE NOT EXISTS (SELECT 1 FROM {OBJECT_TABLE} o WHERE o.code = s.code)"
        )
        with timed("insert objects + supervisions"):
            cursor.execute(
                f"""
            WITH ins AS (
                INSERT INTO {OBJECT_TABLE} ({", ".join(_quote(field) for field in fields)}, created_at, updated_at)
                SELECT {", ".join(_insert_expression(field) for field in fields)}, %(now)s, %(now)s
                FROM {staging} s
                {new_rows}
                ORDER BY s.row_no
                RETURNING id, code
            ){supervisions}
            SELECT count(*) FROM ins
            """,
                params,
            )
        inserted = cursor.fetchone()[0]
        if dropped:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            restore_indexes_and_constraints(cursor, dropped)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return MergeCounts(
        inserted=inserted,
        updated=updated,
        unchanged=staged - inserted - updated,
        staged=staged,
        rebuilt_indexes=len(dropped),
    )


# Direct bulk load ----------------------------------------------------------------------------------
# A large file into an empty registry skips the staging table: the validated rows are COPYed
# straight into the registry (its indexes and unique constraints dropped first, rebuilt at the end),
# so the server stores each row once, while Python validates the next ones. Everything happens in
# the caller's one transaction, which holds the registry exclusively from the emptiness check to the
# commit: a worker killed at any point leaves the registry empty, and a re-run starts afresh.


@dataclass
class BulkLoad:
    now: datetime  # the transaction's timestamp: created_at, updated_at, claimed_at
    first_id: int  # the first object id; the rows take the following ones in file order
    restore: list[str]  # statements that rebuild the dropped indexes and constraints


def bulk_load_begin(job_id: int) -> BulkLoad | None:
    """Lock the registry; if it is empty, drop its indexes and constraints and reserve the ids.
    Returns None (nothing changed) when the registry is not empty, or when this session may not
    drop its indexes (:func:`may_rebuild_indexes`). Inside the caller's transaction.

    The constraints come back before the commit (:func:`bulk_load_finish`); the search and filter
    indexes are deferred to :func:`build_deferred_indexes`, after it. Building them takes longer
    than loading the rows (~20 s of 2 cores for a million), and inside the transaction it would
    hold every reader and writer of the registry for that long; after it, they are built without
    blocking anyone, and queries give the same answers meanwhile, only slower.
    """
    with connection.cursor() as cursor:
        lock_registry()
        cursor.execute(f"SELECT now(), NOT EXISTS (SELECT 1 FROM {OBJECT_TABLE})")
        now, empty = cursor.fetchone()
        if not empty or not may_rebuild_indexes():
            return None
        # As in merge_staging: a commit lost in a crash leaves the job "running" for a re-run.
        cursor.execute("SET LOCAL synchronous_commit = off")
        # No other session can insert objects while this transaction holds the lock (an INSERT
        # waits for the lock before it draws an id), so the ids from nextval() onwards are free;
        # bulk_load_finish moves the sequence past the last one.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [OBJECT_TABLE])
        first_id = cursor.fetchone()[0]
        restore = drop_indexes_and_constraints(cursor, defer_indexes_for_job=job_id)
    return BulkLoad(now=now, first_id=first_id, restore=restore)


def copy_into_registry(chunks: Iterator[str]) -> None:
    """COPY the lines of ``staging_chunks(..., registry_load=...)`` into the registry."""
    reader = ChunkReader(chunks)
    columns = ", ".join(_quote(column) for column in REGISTRY_COPY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {OBJECT_TABLE} ({columns}) FROM STDIN WITH (FORMAT text)", reader, size=1 << 16
        )
    if reader.error is not None:
        raise reader.error


def bulk_load_finish(
    load: BulkLoad,
    *,
    last_id: int,
    supervisions_file,
    default_department_ids: list[int],
) -> None:
    """After the objects' COPY: the sequence, the supervisions, the indexes and constraints.

    ``supervisions_file`` holds COPY lines of the supervisions when the file named departments;
    otherwise every object (ids first_id..last_id) gets the default departments.

    The supervisions of a direct load name no claimer (claimed_by NULL): the import job is the
    claimer, and says who uploaded it (ImportJob.loaded_at is their claimed_at). Each claimer on a
    row would cost a foreign-key check per row (~4 s for a million, on top of the department's
    ~3 s), and the import never switches those checks off.
    """
    with connection.cursor() as cursor:
        if last_id >= load.first_id:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [OBJECT_TABLE, last_id]
            )
        with timed("supervisions"):
            if supervisions_file is not None:
                supervisions_file.flush()
                supervisions_file.seek(0)
                cursor.cursor.copy_expert(
                    f"COPY {SUPERVISION_TABLE} (inspection_object_id, department_id, status, "
                    "claimed_at, claimed_by_id) FROM STDIN WITH (FORMAT text)",
                    supervisions_file,
                    size=1 << 16,
                )
            elif default_department_ids and last_id >= load.first_id:
                # One supervision per object and default department (a department's import has
                # one). Their ids are reserved as the objects' are: drawing one per row from the
                # sequence costs more than writing the row (no other session can insert
                # supervisions while the dropped indexes hold the table).
                count = (last_id - load.first_id + 1) * len(default_department_ids)
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [SUPERVISION_TABLE]
                )
                first_supervision = cursor.fetchone()[0]
                cursor.execute(
                    f"""
                    INSERT INTO {SUPERVISION_TABLE} (id, inspection_object_id, department_id, status, claimed_at, claimed_by_id)
                    SELECT %(base)s + (o.id - %(first)s) * %(per_object)s + d.position - 1,
                           o.id, d.department_id, 'claimed', %(now)s, NULL
                    FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS o(id)
                    CROSS JOIN unnest(%(default)s::bigint[]) WITH ORDINALITY AS d(department_id, position)
                    """,
                    {
                        "base": first_supervision,
                        "per_object": len(default_department_ids),
                        "now": load.now,
                        "first": load.first_id,
                        "last": last_id,
                        "default": default_department_ids,
                    },
                )
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [SUPERVISION_TABLE, first_supervision + count - 1],
                )
        # DROP/CREATE INDEX refuse to run on a table with pending (deferred) checks.
        with timed("foreign-key checks"):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        restore_indexes_and_constraints(cursor, load.restore)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# Deferred indexes ----------------------------------------------------------------------------------
DEFERRED_INDEX_LOCK = 0x5353_4A49  # pg advisory lock key: one builder at a time
_CREATE_INDEX = re.compile(r"^CREATE (UNIQUE )?INDEX ")


def deferred_indexes_pending() -> bool:
    from registries.models import DeferredIndex

    return DeferredIndex.objects.exists()


def _constraint_state(name: str) -> bool | None:
    """True: the constraint exists and is validated; False: it exists NOT VALID; None: no such."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT convalidated FROM pg_constraint WHERE conname = %s "
            "AND connamespace = current_schema()::regnamespace",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def _index_state(name: str) -> bool | None:
    """True: the index exists and is valid; False: it exists but is invalid (a concurrent build
    that was interrupted); None: it does not exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def build_deferred_indexes() -> list[str]:
    """Build every deferred index, and validate the deferred foreign key (see
    :func:`bulk_load_begin`); return the names built or validated.

    Idempotent and safe to run at any time, from any number of workers (one builds, the others
    return at once): an index already valid is only struck off the list, one left invalid by an
    interrupted build is dropped and built again. Outside a transaction the builds are
    CONCURRENTLY, so readers and writers of the registry carry on; inside one (tests, shells)
    they are plain builds within it.
    """
    from registries.models import DeferredIndex

    concurrently = not connection.in_atomic_block
    built: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DEFERRED_INDEX_LOCK])
        if not cursor.fetchone()[0]:
            return built
        try:
            cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            for pending in DeferredIndex.objects.order_by("id"):
                if pending.definition.startswith("ALTER TABLE"):
                    # VALIDATE CONSTRAINT blocks no reader or writer (SHARE UPDATE EXCLUSIVE).
                    if _constraint_state(pending.name) is False:
                        with timed(f"deferred validation {pending.name}"):
                            cursor.execute(pending.definition)
                        built.append(pending.name)
                    DeferredIndex.objects.filter(pk=pending.pk).delete()
                    continue
                state = _index_state(pending.name)
                if state is False:
                    keyword = "CONCURRENTLY " if concurrently else ""
                    cursor.execute(f"DROP INDEX {keyword}IF EXISTS {_quote(pending.name)}")
                if state is not True:
                    statement = pending.definition
                    if concurrently:
                        statement = _CREATE_INDEX.sub(r"CREATE \1INDEX CONCURRENTLY ", statement)
                    with timed(f"deferred index {pending.name}"):
                        cursor.execute(statement)
                    built.append(pending.name)
                DeferredIndex.objects.filter(pk=pending.pk).delete()
        finally:
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SELECT pg_advisory_unlock(%s)", [DEFERRED_INDEX_LOCK])
    return built
