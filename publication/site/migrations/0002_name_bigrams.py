"""Search by two characters (华为, 食品): a trigram index cannot serve LIKE '%华为%' (no trigram in
two characters), so a GIN index on the name's two-character substrings serves every search of the
current results; the LIKE rechecks."""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION public_name_bigrams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT coalesce(array_agg(DISTINCT substr(name, i, 2)), '{}')
    FROM generate_series(1, greatest(char_length(name) - 1, 0)) AS i
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("publicsite", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION public_name_bigrams(text);"),
        migrations.RunSQL(
            "CREATE INDEX publicresult_name_bigrams ON publicsite_publicresult "
            "USING gin (public_name_bigrams(enterprise_name)) WHERE is_current;",
            "DROP INDEX publicresult_name_bigrams;",
        ),
    ]
