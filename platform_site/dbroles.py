"""Two database roles, and who owns what (docs/architecture.md, "Database roles").

- The **owner** role (``DATABASE_OWNER_URL``; ``ssj_owner`` in compose and the embedded setup) owns
  the database, runs the migrations and owns the append-only tables (``APPEND_ONLY_TABLES``) and
  ``django_migrations``.
- The **runtime** role (``DATABASE_URL``; ``ssj_app``) is what web, worker and beat connect as. It
  owns every ordinary table, because the object import drops and re-adds constraints and builds
  indexes ``CONCURRENTLY``, which only a table's owner may do; on the append-only tables it may only
  SELECT and INSERT, so it can neither update, delete, truncate nor drop them, nor disable their
  triggers (that takes ownership), nor skip them in replica mode (a superuser's setting). The
  inspection archive (``KEEP_TABLES``) is owned by the owner too; there the runtime role may also
  UPDATE, but never delete or truncate.

``manage.py migrate`` connects as the owner when ``DATABASE_OWNER_URL`` is set (accounts' migrate
command) and then calls `hand_over`, which gives new ordinary tables to the runtime role and grants
it what it needs on the others. The owner is a member of the runtime role, so that migrations may
alter the runtime's tables. That membership is also a way up: code the runtime role planted (a
trigger on one of its tables, a function used in a default) would run with the owner's rights the
next time a migration touched that table; `planted_objects` finds such code and migrate refuses to
run while there is any.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connections

APPEND_ONLY_TABLES = ("accounts_auditevent", "tasks_drawlogentry", "tasks_resultversion")
# The inspection archive (000 art. 19): rows are written and updated while inspections go on, but
# never deleted. Owned by the owner; the runtime role may SELECT, INSERT and UPDATE them only.
KEEP_TABLES = (
    "tasks_inspection",
    "tasks_inspectionresult",
    "tasks_matterrecord",
    "tasks_recordanswer",
    "tasks_commissionedcheck",
    "tasks_followupmeasure",
    "tasks_attachment",
)
# Readable by the runtime role, written only by the owner: a runtime role that could edit the
# migration history could make the owner skip a migration that protects something.
OWNER_ONLY_TABLES = ("django_migrations",)
CREDENTIAL_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
# What the runtime role must not hold on an append-only table (PostgreSQL 17 adds MAINTAIN).
FORBIDDEN_PRIVILEGES = ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
KEEP_FORBIDDEN_PRIVILEGES = ("DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


def owner_settings() -> dict[str, Any] | None:
    """The owner's connection settings, or None where this process is not given them."""
    return getattr(settings, "DATABASE_OWNER", None)


def runtime_role() -> str:
    return settings.DATABASE_RUNTIME_ROLE


@contextlib.contextmanager
def as_owner(alias: str = "default") -> Iterator[bool]:
    """Run the block on ``alias`` connected as the owner role; yields whether it switched.

    Without owner settings (single-role development setups) the block runs as the connection is.
    """
    owner = owner_settings()
    connection = connections[alias]
    if owner is None:
        yield False
        return
    if connection.in_atomic_block:
        raise RuntimeError("cannot switch to the owner role inside a transaction")
    saved = {key: connection.settings_dict.get(key) for key in CREDENTIAL_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) for key in CREDENTIAL_KEYS})
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def current_user(cursor) -> str:
    cursor.execute("SELECT current_user")
    return cursor.fetchone()[0]


def owns_append_only_tables(cursor) -> bool:
    """Whether the connected role owns the append-only tables: the one role of a single-role
    development database (no DATABASE_OWNER_URL), never the runtime role of a two-role one."""
    cursor.execute(
        """
        SELECT count(*) = %(count)s AND bool_and(pg_has_role(current_user, c.relowner, 'USAGE'))
          FROM pg_class c
         WHERE c.oid IN (SELECT to_regclass('public.' || t) FROM unnest(%(tables)s::text[]) t)
        """,
        {"count": len(APPEND_ONLY_TABLES), "tables": list(APPEND_ONLY_TABLES)},
    )
    return bool(cursor.fetchone()[0])


def planted_objects(cursor, role: str) -> list[str]:
    """Code the runtime role could have planted for the owner to run: functions it owns, and
    triggers, rules and row-security policies on its tables. Django creates none of these."""
    cursor.execute(
        """
        SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p
         WHERE p.proowner = to_regrole(%(role)s)
        UNION ALL
        SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text
          FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal AND c.relowner = to_regrole(%(role)s)
        UNION ALL
        SELECT 'rule ' || r.rulename || ' on ' || r.ev_class::regclass::text
          FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
         WHERE r.rulename <> '_RETURN' AND c.relowner = to_regrole(%(role)s)
        UNION ALL
        SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass::text
          FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
         WHERE c.relowner = to_regrole(%(role)s)
        ORDER BY 1
        """,
        {"role": role},
    )
    return [row[0] for row in cursor.fetchall()]


def hand_over(cursor, role: str) -> list[str]:
    """As the owner, after migrating: the runtime role gets every ordinary relation of the public
    schema, SELECT and INSERT on the append-only tables, SELECT on the owner-only ones, and nothing
    more on either. Returns the relations whose owner changed."""
    protected = [*APPEND_ONLY_TABLES, *KEEP_TABLES, *OWNER_ONLY_TABLES]
    quoted_role = _quote(role)
    cursor.execute("SELECT current_database()")
    database = cursor.fetchone()[0]
    cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_quote(database)} TO {quoted_role}")
    # CREATE: the object import makes an UNLOGGED staging table per job.
    cursor.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {quoted_role}")
    # Sequences that belong to a column (identity, serial) follow their table and are skipped.
    cursor.execute(
        """
        SELECT c.relname, c.relkind FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
           AND c.relowner = to_regrole(current_user)
           AND c.relname <> ALL(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                              AND d.deptype IN ('a', 'i'))
         ORDER BY c.relname
        """,
        [protected],
    )
    keyword = {"S": "SEQUENCE", "v": "VIEW", "m": "MATERIALIZED VIEW", "f": "FOREIGN TABLE"}
    changed = []
    for name, kind in cursor.fetchall():
        cursor.execute(f"ALTER {keyword.get(kind, 'TABLE')} {_quote(name)} OWNER TO {quoted_role}")
        changed.append(name)
    for table in protected:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"])
        if not cursor.fetchone()[0]:
            continue
        # A table the runtime role created (a migrate run without DATABASE_OWNER_URL) is taken back.
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) <> current_user FROM pg_class WHERE oid = %s::regclass",
            [table],
        )
        if cursor.fetchone()[0]:
            cursor.execute(f"ALTER TABLE {_quote(table)} OWNER TO CURRENT_USER")
            changed.append(table)
        cursor.execute(f"REVOKE ALL ON {_quote(table)} FROM PUBLIC, {quoted_role}")
        if table in APPEND_ONLY_TABLES:
            granted = "SELECT, INSERT"
        elif table in KEEP_TABLES:
            granted = "SELECT, INSERT, UPDATE"
        else:
            granted = "SELECT"
        cursor.execute(f"GRANT {granted} ON {_quote(table)} TO {quoted_role}")
    return changed


def protection_problems(cursor, role: str) -> list[str]:
    """Why the runtime role could rewrite the append-only tables, if it could; [] when it cannot."""
    problems = []
    cursor.execute(
        "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = %s", [role]
    )
    row = cursor.fetchone()
    if row is None:
        return [f"the runtime role {role} does not exist"]
    if row[0]:
        problems.append(f"the runtime role {role} is a superuser")
    if row[2]:
        problems.append(f"the runtime role {role} may create roles")
    cursor.execute("SELECT has_parameter_privilege(%s, 'session_replication_role', 'SET')", [role])
    if cursor.fetchone()[0] and not row[0]:
        problems.append(f"the runtime role {role} may set session_replication_role")
    cursor.execute(
        """
        SELECT pg_has_role(%(role)s, d.datdba, 'USAGE'),
               pg_has_role(%(role)s, n.nspowner, 'USAGE')
          FROM pg_database d, pg_namespace n
         WHERE d.datname = current_database() AND n.nspname = 'public'
        """,
        {"role": role},
    )
    owns_database, owns_schema = cursor.fetchone()
    if owns_database:
        problems.append(f"the runtime role {role} owns the database")
    if owns_schema and not owns_database:
        problems.append(f"the runtime role {role} owns the public schema")
    for table in APPEND_ONLY_TABLES:
        cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
        if cursor.fetchone()[0] is None:
            problems.append(f"{table} does not exist")
            continue
        cursor.execute(
            "SELECT pg_has_role(%s, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
            [role, table],
        )
        if cursor.fetchone()[0]:
            problems.append(f"the runtime role {role} owns {table}")
        for privilege in FORBIDDEN_PRIVILEGES:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
            if cursor.fetchone()[0]:
                problems.append(f"the runtime role {role} holds {privilege} on {table}")
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE tgtype & 16 <> 0 AND tgtype & 8 <> 0),
                   count(*) FILTER (WHERE tgtype & 32 <> 0)
              FROM pg_trigger
             WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled = 'A'
               AND tgfoid = 'ssj_reject_change'::regproc
            """,
            [table],
        )
        update_delete, truncate = cursor.fetchone()
        if not update_delete or not truncate:
            problems.append(
                f"{table} lacks an always-enabled trigger against UPDATE/DELETE/TRUNCATE"
            )
    problems += _keep_problems(cursor, role)
    return problems


def _keep_problems(cursor, role: str) -> list[str]:
    """Why the runtime role could delete from the inspection archive, if it could."""
    problems = []
    for table in KEEP_TABLES:
        cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
        if cursor.fetchone()[0] is None:
            problems.append(f"{table} does not exist")
            continue
        cursor.execute(
            "SELECT pg_has_role(%s, relowner, 'USAGE') FROM pg_class WHERE oid = %s::regclass",
            [role, table],
        )
        if cursor.fetchone()[0]:
            problems.append(f"the runtime role {role} owns {table}")
        for privilege in KEEP_FORBIDDEN_PRIVILEGES:
            cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
            if cursor.fetchone()[0]:
                problems.append(f"the runtime role {role} holds {privilege} on {table}")
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE tgtype & 8 <> 0),
                   count(*) FILTER (WHERE tgtype & 32 <> 0)
              FROM pg_trigger
             WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled = 'A'
               AND tgfoid = 'ssj_reject_change'::regproc
            """,
            [table],
        )
        delete, truncate = cursor.fetchone()
        if not delete or not truncate:
            problems.append(f"{table} lacks an always-enabled trigger against DELETE/TRUNCATE")
    return problems


def append_only_triggers(cursor) -> list[tuple[str, str]]:
    """(table, trigger) of every trigger that keeps a table append-only."""
    cursor.execute(
        """
        SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal AND t.tgfoid = 'ssj_reject_change'::regproc
         ORDER BY 1, 2
        """
    )
    return cursor.fetchall()


@contextlib.contextmanager
def append_only_suspended(cursor) -> Iterator[None]:
    """As the owner and inside a transaction: the append-only triggers are off for the block and
    back on (ALWAYS) after it. ALTER TABLE holds an exclusive lock on each table until the commit,
    so no other session ever sees a table without its triggers. For the test suite's flush and the
    tampering drill only."""
    triggers = append_only_triggers(cursor)
    for table, trigger in triggers:
        cursor.execute(f"ALTER TABLE {_quote(table)} DISABLE TRIGGER {_quote(trigger)}")
    yield
    for table, trigger in triggers:
        cursor.execute(f"ALTER TABLE {_quote(table)} ENABLE ALWAYS TRIGGER {_quote(trigger)}")
