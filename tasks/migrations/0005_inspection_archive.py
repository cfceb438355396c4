"""The inspection archive cannot be deleted (000 art. 19: kept at least two years; corrections are
new versions): DELETE and TRUNCATE are refused on every archive table, a result version is
insert-only, and an attachment's content columns never change (only its withdrawal is recorded).

The triggers are enabled ALWAYS (replica mode does not skip them) and the tables stay owned by the
owner role: the runtime role may SELECT, INSERT and UPDATE them (SELECT and INSERT only on the
result versions) but neither delete, truncate nor drop them nor touch their triggers
(platform_site/dbroles.py, KEEP_TABLES and APPEND_ONLY_TABLES)."""

from django.db import migrations

KEEP_TABLES = [
    "tasks_inspection",
    "tasks_inspectionresult",
    "tasks_matterrecord",
    "tasks_recordanswer",
    "tasks_commissionedcheck",
    "tasks_followupmeasure",
    "tasks_attachment",
]

ATTACHMENT_FUNCTION = """
CREATE OR REPLACE FUNCTION ssj_attachment_content_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.file IS DISTINCT FROM OLD.file
       OR NEW.sha256 IS DISTINCT FROM OLD.sha256
       OR NEW.size IS DISTINCT FROM OLD.size
       OR NEW.content_type IS DISTINCT FROM OLD.content_type
       OR NEW.original_name IS DISTINCT FROM OLD.original_name
       OR NEW.record_id IS DISTINCT FROM OLD.record_id
       OR NEW.measure_id IS DISTINCT FROM OLD.measure_id
       OR NEW.uploaded_by_id IS DISTINCT FROM OLD.uploaded_by_id
       OR NEW.uploaded_at IS DISTINCT FROM OLD.uploaded_at THEN
        RAISE EXCEPTION 'the content of an attachment never changes (%)', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _create() -> str:
    statements = []
    for table in KEEP_TABLES:
        statements += [
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ssj_reject_change();",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_delete;",
            f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {table}_no_truncate;",
        ]
    statements += [
        "CREATE TRIGGER tasks_resultversion_append_only BEFORE UPDATE OR DELETE "
        "ON tasks_resultversion FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();",
        "CREATE TRIGGER tasks_resultversion_no_truncate BEFORE TRUNCATE ON tasks_resultversion "
        "FOR EACH STATEMENT EXECUTE FUNCTION ssj_reject_change();",
        "ALTER TABLE tasks_resultversion ENABLE ALWAYS TRIGGER tasks_resultversion_append_only;",
        "ALTER TABLE tasks_resultversion ENABLE ALWAYS TRIGGER tasks_resultversion_no_truncate;",
        ATTACHMENT_FUNCTION,
        "CREATE TRIGGER tasks_attachment_content_fixed BEFORE UPDATE ON tasks_attachment "
        "FOR EACH ROW EXECUTE FUNCTION ssj_attachment_content_fixed();",
        "ALTER TABLE tasks_attachment ENABLE ALWAYS TRIGGER tasks_attachment_content_fixed;",
    ]
    return "\n".join(statements)


def _drop() -> str:
    statements = []
    for table in KEEP_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        ]
    statements += [
        "DROP TRIGGER IF EXISTS tasks_resultversion_append_only ON tasks_resultversion;",
        "DROP TRIGGER IF EXISTS tasks_resultversion_no_truncate ON tasks_resultversion;",
        "DROP TRIGGER IF EXISTS tasks_attachment_content_fixed ON tasks_attachment;",
        "DROP FUNCTION IF EXISTS ssj_attachment_content_fixed();",
    ]
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0004_inspections"), ("accounts", "0003_audit_no_truncate")]

    operations = [migrations.RunSQL(_create(), _drop())]
