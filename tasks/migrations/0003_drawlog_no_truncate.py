from django.db import migrations

# Protocol §7: every draw log is insert-only, like the audit trail (accounts 0003).
CREATE = """
CREATE TRIGGER tasks_drawlogentry_no_truncate
    BEFORE TRUNCATE ON tasks_drawlogentry
    FOR EACH STATEMENT EXECUTE FUNCTION ssj_reject_change();
ALTER TABLE tasks_drawlogentry ENABLE ALWAYS TRIGGER tasks_drawlogentry_append_only;
ALTER TABLE tasks_drawlogentry ENABLE ALWAYS TRIGGER tasks_drawlogentry_no_truncate;
"""

DROP = """
DROP TRIGGER IF EXISTS tasks_drawlogentry_no_truncate ON tasks_drawlogentry;
ALTER TABLE tasks_drawlogentry ENABLE TRIGGER tasks_drawlogentry_append_only;
"""


class Migration(migrations.Migration):
    dependencies = [("tasks", "0002_drawlog_append_only"), ("accounts", "0003_audit_no_truncate")]

    operations = [migrations.RunSQL(CREATE, DROP)]
