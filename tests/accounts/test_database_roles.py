"""The application's database role cannot rewrite the audit trail or a draw log.

The suite runs as the runtime role (tests/conftest.py), so `connection` here is what web, worker and
beat have in production; the owner is reached through dbroles.as_owner in transactional tests.
"""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.audit import record_event
from accounts.models import AuditEvent
from platform_site import dbroles

pytestmark = pytest.mark.usefixtures("separate_database_roles")

APPEND_ONLY = ["accounts_auditevent", "tasks_drawlogentry"]
# Every way the runtime role could try to rewrite, empty or get rid of an append-only table.
ATTACKS = {
    "update": "UPDATE {table} SET seq = seq WHERE false",
    "delete": "DELETE FROM {table}",
    "truncate": "TRUNCATE {table}",
    "truncate through a referenced table": "TRUNCATE accounts_user, tasks_draw CASCADE",
    "drop": "DROP TABLE {table} CASCADE",
    "rename": "ALTER TABLE {table} RENAME TO {table}_old",
    "disable a trigger": "ALTER TABLE {table} DISABLE TRIGGER {table}_append_only",
    "disable all user triggers": "ALTER TABLE {table} DISABLE TRIGGER USER",
    "drop a trigger": "DROP TRIGGER {table}_no_truncate ON {table}",
    "take ownership": "ALTER TABLE {table} OWNER TO CURRENT_USER",
    # A GRANT without the right to grant only warns; the UPDATE after it shows nothing was granted.
    "grant itself more": (
        "GRANT ALL ON {table} TO CURRENT_USER; UPDATE {table} SET seq = seq WHERE false"
    ),
    "add a rule": "CREATE RULE swallow AS ON INSERT TO {table} DO INSTEAD NOTHING",
    "add a policy": "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
    "replace the trigger function": (
        "CREATE OR REPLACE FUNCTION ssj_reject_change() RETURNS trigger "
        "AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql"
    ),
    "replica mode (skips ordinary triggers)": "SET session_replication_role = replica",
    "become the owner": "SET ROLE {owner}",
}


def test_the_suite_runs_as_the_runtime_role_which_is_no_superuser(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, session_user, usesuper FROM pg_user WHERE usename = current_user"
        )
        current, session, superuser = cursor.fetchone()
    assert current == session == settings.DATABASE_RUNTIME_ROLE
    assert superuser is False


def test_the_append_only_tables_are_protected_against_the_runtime_role(db):
    with connection.cursor() as cursor:
        assert dbroles.protection_problems(cursor, dbroles.current_user(cursor)) == []


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_runtime_role_cannot_rewrite_an_append_only_table(db, table, attack):
    statement = ATTACKS[attack].format(table=table, owner=dbroles.owner_settings()["USER"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_runtime_role_can_append_and_read_the_trail(db, office_admin):
    event = record_event(actor=office_admin, action="test.append")
    assert AuditEvent.objects.get(seq=event.seq).hash == event.hash


def _owner_of(cursor, table: str) -> str:
    cursor.execute(
        "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = %s::regclass", [table]
    )
    return cursor.fetchone()[0]


def test_runtime_role_owns_the_ordinary_tables_and_not_the_protected_ones(db):
    # The object import drops and re-adds the registry's constraints and builds its indexes
    # concurrently: only the tables' owner may.
    role = settings.DATABASE_RUNTIME_ROLE
    with connection.cursor() as cursor:
        for table in (
            "registries_inspectionobject",
            "registries_objectsupervision",
            "accounts_user",
        ):
            assert _owner_of(cursor, table) == role, table
        protected = [
            *dbroles.APPEND_ONLY_TABLES,
            *dbroles.KEEP_TABLES,
            *dbroles.OWNER_ONLY_TABLES,
        ]
        for table in protected:
            assert _owner_of(cursor, table) != role, table
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' AND pg_get_userbyid(c.relowner) <> %s",
            [role],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == sorted(protected)


def test_runtime_role_cannot_record_a_migration(db):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('tasks', '9999_x', now())"
        )


def test_code_the_runtime_role_plants_for_the_owner_is_found(db):
    role = settings.DATABASE_RUNTIME_ROLE
    with connection.cursor() as cursor:
        assert dbroles.planted_objects(cursor, role) == []
        cursor.execute(
            "CREATE FUNCTION planted() RETURNS trigger AS $$ BEGIN "
            "TRUNCATE accounts_auditevent; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER planted AFTER INSERT ON django_content_type "
            "FOR EACH ROW EXECUTE FUNCTION planted()"
        )
        cursor.execute("CREATE RULE planted AS ON UPDATE TO accounts_department DO ALSO NOTIFY x")
        found = dbroles.planted_objects(cursor, role)
    assert found == [
        "function planted()",
        "rule planted on accounts_department",
        "trigger planted on django_content_type",
    ]


def test_flush_as_the_runtime_role_is_refused_by_the_database(db, settings):
    settings.DATABASE_OWNER = None
    with pytest.raises(CommandError), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.usefixtures("transactional_db")
class TestAsTheOwner:
    """Committed state, seen through a second connection as the owner role."""

    def test_even_the_owner_cannot_rewrite_the_trail_without_disabling_its_triggers(
        self, office_admin
    ):
        event = record_event(actor=office_admin, action="test.owner")
        with dbroles.as_owner() as switched:
            assert switched
            for statement in (
                "UPDATE accounts_auditevent SET action = 'x'",
                "DELETE FROM accounts_auditevent",
                "TRUNCATE accounts_auditevent",
                "TRUNCATE tasks_drawlogentry",
            ):
                with (
                    pytest.raises(DatabaseError, match="append-only"),
                    transaction.atomic(),
                    connection.cursor() as cursor,
                ):
                    cursor.execute(statement)
        assert AuditEvent.objects.get(seq=event.seq).action == "test.owner"

    def test_migrate_refuses_while_the_runtime_role_has_planted_code(self):
        with connection.cursor() as cursor:
            cursor.execute("CREATE FUNCTION planted() RETURNS int AS 'SELECT 1' LANGUAGE sql")
        try:
            with pytest.raises(CommandError, match=r"planted\(\)"):
                call_command("migrate", verbosity=0)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP FUNCTION planted()")
