"""The inspection archive cannot be deleted (000 art. 19: kept at least two years; corrections are
new versions): DELETE is refused on every archive table, a result version is insert-only, and an
attachment's content columns never change (only its withdrawal is recorded)."""

from django.db import migrations

ARCHIVE_TABLES = [
    "tasks_inspection",
    "tasks_inspectionresult",
    "tasks_resultversion",
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
    statements = [
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();"
        for table in ARCHIVE_TABLES
    ]
    statements.append(
        "CREATE TRIGGER tasks_resultversion_insert_only BEFORE UPDATE ON tasks_resultversion "
        "FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();"
    )
    statements.append(ATTACHMENT_FUNCTION)
    statements.append(
        "CREATE TRIGGER tasks_attachment_content_fixed BEFORE UPDATE ON tasks_attachment "
        "FOR EACH ROW EXECUTE FUNCTION ssj_attachment_content_fixed();"
    )
    return "\n".join(statements)


def _drop() -> str:
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};" for table in ARCHIVE_TABLES
    ]
    statements += [
        "DROP TRIGGER IF EXISTS tasks_resultversion_insert_only ON tasks_resultversion;",
        "DROP TRIGGER IF EXISTS tasks_attachment_content_fixed ON tasks_attachment;",
        "DROP FUNCTION IF EXISTS ssj_attachment_content_fixed();",
    ]
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0003_inspections"), ("accounts", "0002_audit_append_only")]

    operations = [migrations.RunSQL(_create(), _drop())]
