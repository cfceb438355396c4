"""The public site's tables belong to the publication app (migration 0005). A fresh database is
built by publication's migrations alone; a database migrated with the old nested app
(`publicsite`, tables publicsite_*) is adopted by renaming its tables, rows kept."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from platform_site.dbroles import as_owner

fold = importlib.import_module("publication.migrations.0005_public_site")

NEW_TABLES = [
    "publication_publicresult",
    "publication_objection",
    "publication_objectionattachment",
]


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def _constraints(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s)", [table]
        )
        return {row[0] for row in cursor.fetchall()}


EXPECTED_INDEXES = {
    "publicresult_name_bigrams",
    "publicresult_code_idx",
    "publicresult_period_idx",
    "publicresult_published_idx",
    "publicresult_task_idx",
    "publicresult_object_idx",
    "publicresult_one_current",  # a partial unique constraint is a unique index
}


def test_fresh_database_has_the_tables_from_publication_alone(db):
    assert "publicsite" not in {config.label for config in apps.get_app_configs()}
    assert apps.get_model("publication", "PublicResult")._meta.db_table == NEW_TABLES[0]
    tables = _tables()
    assert set(NEW_TABLES) <= tables
    assert not {table for table in tables if table.startswith("publicsite_")}
    assert _indexes("publication_publicresult") >= EXPECTED_INDEXES
    assert {"publicresult_once"} <= _constraints("publication_publicresult")
    assert {"objection_status_valid", "objection_decided_has_reason"} <= _constraints(
        "publication_objection"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT app FROM django_migrations WHERE name = '0005_public_site'")
        assert cursor.fetchall() == [("publication",)]


def _insert_old_row(cursor, table: str, result_id: int) -> None:
    cursor.execute(
        f"INSERT INTO {table} (result_id, version, is_current, task_id, task_code, task_title, "
        "plan_title, lead_department_id, departments, is_directed, is_joint, year, month, "
        "categories, result_text, remarks, correction_reason, inspection_object_id, "
        "enterprise_name, credit_code, registering_authority, published_at) VALUES "
        "(%s, 1, true, 1, 'T-1', '任务', '', 1, '市场监管局', false, false, 2026, 5, "
        "'{no_problem}', '未发现问题', '', '', 1, '海口华为食品有限公司', "
        "'91460000MA5T000001', '', now())",
        [result_id],
    )


def test_a_database_of_the_old_app_is_adopted_with_its_rows(django_db_setup, django_db_blocker):
    """The tables as the old app left them (same columns, indexes and constraints, publicsite_*
    names), with rows; the migration's database step renames them and keeps everything."""
    state = None
    with django_db_blocker.unblock(), as_owner(), transaction.atomic():
        state = MigrationExecutor(connection).loader.project_state(
            ("publication", "0005_public_site")
        )
        with connection.schema_editor(atomic=False) as editor:
            for name, old_table in fold.OLD_TABLES.items():
                model = state.apps.get_model("publication", name)
                editor.alter_db_table(model, model._meta.db_table, old_table)
        with connection.cursor() as cursor:
            # Rows that point nowhere, rolled back at the end: without the foreign keys (which
            # only a rename carries along) no check is pending when the tables are altered.
            cursor.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid::regclass::text LIKE 'publicsite_%%'"
            )
            for table, name in cursor.fetchall():
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute("DELETE FROM publicsite_objectionattachment")
            cursor.execute("DELETE FROM publicsite_objection")
            cursor.execute("DELETE FROM publicsite_publicresult")
            for result_id in (900001, 900002):
                _insert_old_row(cursor, "publicsite_publicresult", result_id)
        assert not set(NEW_TABLES) & _tables()

        with connection.schema_editor(atomic=False) as editor:
            fold.adopt_or_create_tables(state.apps, editor)

        tables = _tables()
        assert set(NEW_TABLES) <= tables
        assert not set(fold.OLD_TABLES.values()) & tables
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT result_id FROM publication_publicresult WHERE public_name_bigrams("
                "enterprise_name) @> ARRAY['华为'] ORDER BY result_id"
            )
            assert cursor.fetchall() == [(900001,), (900002,)]
        assert _indexes("publication_publicresult") >= EXPECTED_INDEXES
        with (
            connection.cursor() as cursor,
            pytest.raises(IntegrityError),
            transaction.atomic(),
        ):
            # publicresult_one_current still holds: a second current version is refused.
            cursor.execute(
                "UPDATE publication_publicresult SET version = 2 WHERE result_id = 900002"
            )
            _insert_old_row(cursor, "publication_publicresult", 900002)
        transaction.set_rollback(True)
    assert set(NEW_TABLES) <= _tables_after_rollback(django_db_blocker)


def _tables_after_rollback(django_db_blocker) -> set[str]:
    with django_db_blocker.unblock():
        return _tables()
