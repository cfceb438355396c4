"""Django's migrate, run as the database's owner role (platform_site/dbroles.py).

With ``DATABASE_OWNER_URL`` set, the migrations connect as the owner; before them, migrate refuses
to run while the runtime role has planted code the owner would execute; after them, the runtime role
is handed every new ordinary table and only SELECT and INSERT on the append-only ones, and the
protection of those tables is checked. Without it (a single-role development database) migrate runs
as Django's does, and production settings refuse.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections

from platform_site import dbroles


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as the owner role given by DATABASE_OWNER_URL."

    def handle(self, *args, **options):
        alias = options["database"]
        if dbroles.owner_settings() is None:
            if settings.PRODUCTION:
                raise CommandError(
                    "Set DATABASE_OWNER_URL: migrations run as the owner role, never as the "
                    "application's role (docs/operations.md, Database roles)."
                )
            return super().handle(*args, **options)
        role = dbroles.runtime_role()
        with dbroles.as_owner(alias):
            connection = connections[alias]
            with connection.cursor() as cursor:
                if dbroles.current_user(cursor) == role:
                    raise CommandError(
                        f"DATABASE_OWNER_URL connects as {role}, the runtime role of DATABASE_URL; "
                        "it must name the owner role."
                    )
                planted = dbroles.planted_objects(cursor, role)
            if planted:
                raise CommandError(
                    f"The runtime role {role} owns objects that would run with the owner's rights "
                    f"during a migration; inspect and drop them first: {', '.join(planted)}"
                )
            super().handle(*args, **options)
            with connection.cursor() as cursor:
                changed = dbroles.hand_over(cursor, role)
                problems = dbroles.protection_problems(cursor, role)
        if changed and options["verbosity"] >= 1:
            self.stdout.write(f"Handed {len(changed)} tables to the runtime role {role}.")
        if problems:
            raise CommandError("The append-only tables are not protected: " + "; ".join(problems))
