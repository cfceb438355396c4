"""The character index of object names (migration 0004) compares its entries in the "C" collation.

A GIN index over text[] orders its keys with the column's collation. Under a linguistic collation
(en_US.UTF-8, even C.UTF-8 with the libc provider) every comparison goes through strcoll(), and a
million names hold some 20 million characters to sort: building the index took 11-14 s of a bulk
import, about 5-8 s in "C". Only equality matters to `@>` and every collation the platform runs
with is deterministic, so the matches are the same. The query must name the same collation for
the planner to use the index: registries.filters.name_characters() does.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registries", "0005_object_index_cleanup"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP INDEX IF EXISTS object_name_chars",
                "CREATE INDEX object_name_chars ON registries_inspectionobject "
                'USING gin ((string_to_array(name, NULL) COLLATE "C"))',
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS object_name_chars",
                "CREATE INDEX object_name_chars ON registries_inspectionobject "
                "USING gin (string_to_array(name, NULL))",
            ],
        ),
    ]
