"""`python manage.py draws_verify [--task CODE] [--recompute]`: every stored draw against what was
announced and published (tasks.integrity); exit status 1 when anything differs."""

import sys

from django.core.management.base import BaseCommand

from tasks.integrity import draws_verify
from tasks.models import Draw


class Command(BaseCommand):
    help = "Check every draw's log, frozen files, result and operational rows (and re-compute)."

    def add_arguments(self, parser):
        parser.add_argument("--task", default="", help="only the draws of this task code")
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="also re-compute each completed draw's public bundle with the reference verifier",
        )

    def handle(self, *args, **options):
        draws = Draw.objects.order_by("pk")
        if options["task"]:
            draws = draws.filter(task__code=options["task"])
        reports = draws_verify(recompute=options["recompute"], draws=draws.iterator(chunk_size=50))
        bad = [report for report in reports if not report.ok]
        for report in reports:
            if report.ok:
                self.stdout.write(f"OK {report.label}")
            else:
                self.stdout.write(f"PROBLEM {report.label}")
                for problem in report.problems:
                    self.stdout.write(f"  - {problem}")
        self.stdout.write(f"{len(reports)} draws checked, {len(bad)} with problems")
        if bad:
            sys.exit(1)
