from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from accounts.drill import DrillError, run_drill


class Command(BaseCommand):
    help = (
        "Tampering drill: as the database owner, truncate the audit trail, delete its tail, rewrite "
        "an entry, and rewrite and re-hash entries, each in a transaction that is rolled back, and "
        "check that audit_verify reports each at the right position. Needs DATABASE_OWNER_URL; for "
        "trial systems (the demo city), never production."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "The drill locks the audit trail while it runs; run it on a trial system or a "
                "restored copy (docs/operations.md)."
            )
        try:
            results = run_drill()
        except DrillError as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:
            raise CommandError(
                f"The drill must tamper as the tables' owner (set DATABASE_OWNER_URL): {error}"
            ) from None
        width = max(len(result.tampering) for result in results)
        for result in results:
            verdict = "reported" if result.detected else "MISSED"
            self.stdout.write(
                f"{result.scenario:<20} {result.tampering:<{width}}  expected seq "
                f"{result.expected_seq:<6} {verdict}: {result.report.problem or 'OK'}"
            )
        missed = [result.scenario for result in results if not result.detected]
        if missed:
            raise CommandError(f"audit_verify did not report: {', '.join(missed)}")
        self.stdout.write(f"All {len(results)} tamperings reported; nothing was changed.")
