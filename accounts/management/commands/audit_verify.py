from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.audit import verify_chain
from accounts.checkpoints import log_path
from platform_site import dbroles


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain, check it against every signed checkpoint of the "
        "checkpoint log, and name the first broken position."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint-log",
            type=Path,
            help="verify against this copy of the checkpoint log (an archived or published one) "
            "instead of AUDIT_CHECKPOINT_LOG",
        )

    def handle(self, *args, **options):
        path = options["checkpoint_log"] or log_path()
        report = verify_chain(checkpoint_log=path)
        with connection.cursor() as cursor:
            role = dbroles.runtime_role() or dbroles.current_user(cursor)
            for problem in dbroles.protection_problems(cursor, role):
                self.stderr.write(f"WARNING: {problem}")
        for problem in report.checkpoint_problems:
            self.stderr.write(f"CHECKPOINT LOG: {problem}")
        if report.broken_seq is not None:
            raise CommandError(
                f"BROKEN at seq {report.broken_seq}: {report.problem} "
                f"({report.checked} entries verified before it, "
                f"{report.checkpoints_matched} checkpoints matched)"
            )
        if report.checkpoint_problems:
            raise CommandError(
                f"CHECKPOINT LOG {path} has {len(report.checkpoint_problems)} lines that do not "
                "verify (see above); the chain itself matched every valid checkpoint"
            )
        covered = (
            f"{report.checkpoints_matched} checkpoints matched, the last at seq "
            f"{report.last_matching_seq}"
            if report.checkpoints_matched
            else f"no checkpoint in {path} yet"
        )
        self.stdout.write(
            f"OK: {report.checked} entries verified; head {report.head_hash}; {covered}"
        )
