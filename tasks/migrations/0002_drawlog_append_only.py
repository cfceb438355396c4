from django.db import migrations

CREATE = """
CREATE TRIGGER tasks_drawlogentry_append_only
    BEFORE UPDATE OR DELETE ON tasks_drawlogentry
    FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();
"""

DROP = "DROP TRIGGER IF EXISTS tasks_drawlogentry_append_only ON tasks_drawlogentry;"


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial"), ("accounts", "0002_audit_append_only")]

    operations = [migrations.RunSQL(CREATE, DROP)]
