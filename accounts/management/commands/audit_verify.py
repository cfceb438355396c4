from django.core.management.base import BaseCommand, CommandError

from accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and name the first broken entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"BROKEN at seq {report.broken_seq}: {report.problem} "
                f"({report.checked} entries verified before it)"
            )
        self.stdout.write(f"OK: {report.checked} entries verified; head {report.head_hash}")
