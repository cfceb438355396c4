"""The staging table of one import job and the set-based merge into the registry.

Valid rows are COPYed into an UNLOGGED table named after the job (no WAL for data we can always
recompute from the uploaded file). The merge then runs as a handful of statements in the caller's
single transaction: update the existing objects that really change (with their history rows),
insert the new ones, add the supervising departments. Nothing touches the registry before that
transaction, so a job killed at any point leaves the registry exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from registries.importing.columns import COLUMN_KEYS
from registries.importing.validation import STAGING_COLUMNS

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
ENUM_DEFAULTS = {"kind": "enterprise", "risk_class": "B", "status": "active"}
DATE_FIELDS = ("anomaly_since", "serious_violation_since", "penalised_at", "group_complaint_at")
# Registry columns fed by the import, in the registry's terms (departments is not a column).
REGISTRY_FIELDS = tuple(key for key in COLUMN_KEYS if key != "departments")


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


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
            cursor.execute(f"ANALYZE {_quote(table)}")
    if reader.error is not None:
        raise reader.error


def _insert_expression(field: str) -> str:
    column = f"s.{_quote(field)}"
    if field in ENUM_DEFAULTS:
        return f"COALESCE({column}, '{ENUM_DEFAULTS[field]}')"
    if field == "licence_types":
        return f"COALESCE(string_to_array({column}, ';'), '{{}}')::varchar(40)[]"
    if field in DATE_FIELDS or field in ("code", "name", "region_code"):
        return column
    return f"COALESCE({column}, '')"


def _update_expression(field: str) -> str:
    """What an existing object's field becomes. A blank enumeration cell keeps the current value."""
    if field in ENUM_DEFAULTS:
        return f"COALESCE(s.{_quote(field)}, o.{_quote(field)})"
    return _insert_expression(field)


# An import at least this large, and at least as large as the registry, rebuilds the registry's
# secondary indexes instead of maintaining them row by row (PostgreSQL's "remove indexes" advice
# for populating a database): building a trigram GIN index over a million names is several times
# faster than inserting a million names into it. The drop and the rebuild happen inside the merge
# transaction, so a crash restores the indexes with everything else; the price is that readers of
# the registry wait for the merge to commit (an initial load, not an everyday import).
BULK_REBUILD_MIN_ROWS = 200_000


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes no constraint depends on (the primary key and the unique
    code constraint stay: they guard integrity during the merge)."""
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


def _registry_size_estimate() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [OBJECT_TABLE],
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def should_rebuild_indexes(staged: int) -> bool:
    return staged >= BULK_REBUILD_MIN_ROWS and staged >= _registry_size_estimate()


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
    """Writers of objects wait until the merge commits, so "exists or not" cannot change between
    the statements below (readers are not blocked)."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {OBJECT_TABLE} IN SHARE ROW EXCLUSIVE MODE")


def iter_conflicts(table: str, *, department_id: int | None) -> Iterator[tuple[int, str, str]]:
    """Staged rows that must not be merged, in row order: (row_no, code, reason key).

    reason "exists": the code is already in the registry (used with the "report duplicates" policy,
    department_id None). reason "foreign": the object is supervised only by other departments, so
    this department may not change it.
    """
    if department_id is None:
        sql = (
            f"SELECT s.row_no, s.code, 'exists' FROM {_quote(table)} s "
            f"JOIN {OBJECT_TABLE} o ON o.code = s.code ORDER BY s.row_no"
        )
        params: list = []
    else:
        sql = (
            f"SELECT s.row_no, s.code, 'foreign' FROM {_quote(table)} s "
            f"JOIN {OBJECT_TABLE} o ON o.code = s.code "
            f"WHERE EXISTS (SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id "
            f"AND v.status = 'claimed' AND v.department_id <> %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id "
            f"AND v.department_id = %s) ORDER BY s.row_no"
        )
        params = [department_id, department_id]
    # A server-side cursor: re-importing a whole registry with "report duplicates" yields a
    # million conflicts, which must not be fetched into memory at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def delete_conflicts(table: str, *, department_id: int | None) -> None:
    if department_id is None:
        sql = f"DELETE FROM {_quote(table)} s USING {OBJECT_TABLE} o WHERE o.code = s.code"
        params: list = []
    else:
        sql = (
            f"DELETE FROM {_quote(table)} s USING {OBJECT_TABLE} o WHERE o.code = s.code "
            f"AND EXISTS (SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id "
            f"AND v.status = 'claimed' AND v.department_id <> %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {SUPERVISION_TABLE} v WHERE v.inspection_object_id = o.id "
            f"AND v.department_id = %s)"
        )
        params = [department_id, department_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def merge_staging(
    table: str,
    *,
    present: set[str],
    changed_by_id: int,
    default_department_ids: list[int],
    update_existing: bool,
) -> MergeCounts:
    """Merge the staging table into the registry. Must run inside the caller's transaction.

    ``present`` holds the columns the file has: an existing object's other fields are left alone.
    Objects that would not change are not touched (no history row, no updated_at bump).
    """
    staging = _quote(table)
    staged = staged_count(table)
    updated = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        now = cursor.fetchone()[0]
        if update_existing:
            fields = [field for field in REGISTRY_FIELDS if field in present and field != "code"]
            new_values = [_update_expression(field) for field in fields]
            assignments = ", ".join(
                f"{_quote(field)} = {value}"
                for field, value in zip(fields, new_values, strict=True)
            )
            current = ", ".join(f"o.{_quote(field)}" for field in fields)
            history = ", ".join(
                f"'{field}', CASE WHEN old.{_quote(field)} IS DISTINCT FROM upd.{_quote(field)} "
                f"THEN jsonb_build_array(old.{_quote(field)}, upd.{_quote(field)}) END"
                for field in fields
            )
            returning = ", ".join(f"o.{_quote(field)}" for field in fields)
            # One statement: `old` and `upd` see the same snapshot, so `old` holds the values
            # from before the update and each history row carries [before, after] per field.
            cursor.execute(
                f"""
                WITH old AS (
                    SELECT o.id, {current} FROM {OBJECT_TABLE} o JOIN {staging} s ON s.code = o.code
                ), upd AS (
                    UPDATE {OBJECT_TABLE} o SET {assignments}, updated_at = %(now)s
                    FROM {staging} s
                    WHERE o.code = s.code AND ({current}) IS DISTINCT FROM ({", ".join(new_values)})
                    RETURNING o.id, {returning}
                )
                INSERT INTO {CHANGE_TABLE} (inspection_object_id, changed_at, changed_by_id, source, changes)
                SELECT upd.id, %(now)s, %(user)s, 'import', jsonb_strip_nulls(jsonb_build_object({history}))
                FROM upd JOIN old ON old.id = upd.id
                """,
                {"now": now, "user": changed_by_id},
            )
            updated = cursor.rowcount
        fields = list(REGISTRY_FIELDS)
        rebuild = (
            _secondary_indexes(OBJECT_TABLE) if should_rebuild_indexes(staged - updated) else []
        )
        if rebuild:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for name, _definition in rebuild:
                cursor.execute(f"DROP INDEX {_quote(name)}")
        cursor.execute(
            f"""
            INSERT INTO {OBJECT_TABLE} ({", ".join(_quote(field) for field in fields)}, created_at, updated_at)
            SELECT {", ".join(_insert_expression(field) for field in fields)}, %(now)s, %(now)s
            FROM {staging} s
            WHERE NOT EXISTS (SELECT 1 FROM {OBJECT_TABLE} o WHERE o.code = s.code)
            ORDER BY s.row_no
            """,
            {"now": now},
        )
        inserted = cursor.rowcount
        for _name, definition in rebuild:
            cursor.execute(definition)
        supervision_rebuild = _secondary_indexes(SUPERVISION_TABLE) if rebuild else []
        for name, _definition in supervision_rebuild:
            cursor.execute(f"DROP INDEX {_quote(name)}")
        cursor.execute(
            f"""
            INSERT INTO {SUPERVISION_TABLE} (inspection_object_id, department_id, status, claimed_at, claimed_by_id)
            SELECT o.id, d.department_id, 'claimed', %(now)s, %(user)s
            FROM {staging} s
            JOIN {OBJECT_TABLE} o ON o.code = s.code
            CROSS JOIN LATERAL unnest(COALESCE(s.departments, %(default)s::bigint[])) AS d(department_id)
            ON CONFLICT (inspection_object_id, department_id) DO NOTHING
            """,
            {"now": now, "user": changed_by_id, "default": default_department_ids},
        )
        if supervision_rebuild:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED; CREATE INDEX refuses to run
            # while their checks are pending, so run the checks now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for _name, definition in supervision_rebuild:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return MergeCounts(
        inserted=inserted,
        updated=updated,
        unchanged=staged - inserted - updated,
        staged=staged,
        rebuilt_indexes=len(rebuild) + len(supervision_rebuild),
    )
