"""Seed the official working-day calendar (2004–2026) from the chinesecalendar package.

The same idempotent function runs for `manage.py workdays seed`; here it gets the historical models
and records no audit event (the audit trail's schema is not frozen in migrations).
"""

from django.db import migrations


def seed(apps, schema_editor):
    from publication.calendar import calendar_seed

    calendar_seed(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
