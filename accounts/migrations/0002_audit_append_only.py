from django.db import migrations

# The audit trail is append-only: the database itself refuses UPDATE and DELETE, so neither a bug
# nor a hand-typed SQL statement can rewrite history. (TRUNCATE stays possible for test teardown;
# `audit_verify` would reveal a truncated chain, whose head no longer matches published anchors.)
CREATE = """
CREATE OR REPLACE FUNCTION ssj_reject_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION ssj_reject_change();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_auditevent_append_only ON accounts_auditevent;
DROP FUNCTION IF EXISTS ssj_reject_change();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
