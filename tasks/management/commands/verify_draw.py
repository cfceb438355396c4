"""`python manage.py verify_draw FILE [--announcement FILE] [--head HASH] [--max-attempts N]`:
VALID, or exactly what differs; exit status 1 if invalid (or not verified within the limit).
FILE may hold one bundle or a JSON list of bundles (as export_draw_bundle --all writes); every
report prints the log head and the commitment, to compare with what was published before."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from tasks.draw import verify


class Command(BaseCommand):
    help = "Re-compute a published draw bundle and say VALID or what differs."

    def add_arguments(self, parser):
        verify.add_arguments(parser)

    def handle(self, *args, **options):
        try:
            raw = verify._read(options["bundle"])
            arguments = type("Arguments", (), {})()
            arguments.announcement = options["announcement"]
            arguments.head = options["head"]
            arguments.max_attempts = options["max_attempts"]
            verify_options = verify.options_from_arguments(arguments)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            reports = [verify.verify_bundle(bundle, **verify_options) for bundle in parsed]
        else:
            reports = [verify.verify_bundle_text(text, **verify_options)]
        for index, report in enumerate(reports):
            prefix = f"[{index}] " if len(reports) > 1 else ""
            self.stdout.write(prefix + verify.format_report(report))
        if not all(report.valid for report in reports):
            sys.exit(1)
