"""A GIN index on the characters of an object's name, for one- and two-character name searches.

The trigram index (object_name_trgm) serves substring searches of three characters or more; a
two-character Chinese term such as 恒达 yields no trigram, so PostgreSQL would scan the whole
table. `string_to_array(name, NULL)` splits a name into its characters (a C builtin, cheap to
maintain: about 3 s for a million rows); `… @> ARRAY['恒','达'] AND name LIKE '%恒达%'` then reads
only the rows holding both characters. Declared in SQL because the expression index is an
implementation detail of registries.filters.name_condition, not part of the model.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registries", "0003_recusal_decision_note"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS object_name_chars ON registries_inspectionobject "
            "USING gin (string_to_array(name, NULL))",
            reverse_sql="DROP INDEX IF EXISTS object_name_chars",
        ),
    ]
