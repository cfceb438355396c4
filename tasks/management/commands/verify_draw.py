"""`python manage.py verify_draw FILE`: VALID, or exactly what differs; exit status 1 if invalid.
FILE may hold one bundle or a JSON list of bundles (as export_draw_bundle --all writes)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tasks.draw.verify import format_report, verify_bundle, verify_bundle_text


class Command(BaseCommand):
    help = "Re-compute a published draw bundle and say VALID or what differs."

    def add_arguments(self, parser):
        parser.add_argument("file", help="bundle JSON file, or - for standard input")

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                raw = sys.stdin.buffer.read()
            else:
                with open(options["file"], "rb") as handle:
                    raw = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {options['file']}: {error.strerror}") from None
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            reports = [verify_bundle(bundle) for bundle in parsed]
        else:
            reports = [verify_bundle_text(text)]
        for index, report in enumerate(reports):
            prefix = f"[{index}] " if len(reports) > 1 else ""
            self.stdout.write(prefix + format_report(report))
        if not all(report.valid for report in reports):
            sys.exit(1)
