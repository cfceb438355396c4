from django.db import migrations

# The audit trail is insert-only. 0002 rejects UPDATE and DELETE row by row; a statement trigger now
# rejects TRUNCATE too, and both fire ALWAYS, so even a session in replica mode
# (session_replication_role, which only a superuser may set) cannot skip them. Only the table's
# owner can disable them, and the application's role owns none of the append-only tables
# (see platform_site/dbroles.py).
CREATE = """
CREATE TRIGGER accounts_auditevent_no_truncate
    BEFORE TRUNCATE ON accounts_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION ssj_reject_change();
ALTER TABLE accounts_auditevent ENABLE ALWAYS TRIGGER accounts_auditevent_append_only;
ALTER TABLE accounts_auditevent ENABLE ALWAYS TRIGGER accounts_auditevent_no_truncate;
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_no_truncate ON accounts_auditevent;
ALTER TABLE accounts_auditevent ENABLE TRIGGER accounts_auditevent_append_only;
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_audit_append_only")]

    operations = [migrations.RunSQL(CREATE, DROP)]
