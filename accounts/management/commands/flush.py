"""Django's flush, run as the owner role with the append-only triggers suspended for it.

The runtime role may not TRUNCATE the audit trail or the draw logs, so a flush as that role fails,
as it should (unless it is the one role of a single-role database, which owns them); the test suite's flush between transactional tests (pytest-django) goes through here.
Production settings refuse: a flush would erase the audit trail.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections, transaction

from platform_site import dbroles


class Command(flush.Command):
    def handle(self, **options):
        if settings.PRODUCTION:
            raise CommandError("flush would erase the audit trail; it is refused in production.")
        alias = options["database"]
        with dbroles.as_owner(alias) as switched:
            if not switched:
                with connections[alias].cursor() as cursor:
                    # A single-role database (development, tests without DATABASE_OWNER_URL): the
                    # one role owns the append-only tables, so it may suspend their triggers.
                    single_role = dbroles.owns_append_only_tables(cursor)
                if not single_role:
                    return super().handle(**options)
            with (
                transaction.atomic(using=alias),
                connections[alias].cursor() as cursor,
                dbroles.append_only_suspended(cursor),
            ):
                super().handle(**options)
