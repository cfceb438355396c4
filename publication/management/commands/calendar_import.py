"""Import a year's official holiday schedule from a file, as an office admin.

    manage.py calendar_import 2027 schedule-2027.csv --user office_admin --dry-run
    manage.py calendar_import 2027 schedule-2027.csv --user office_admin --note "国办发明电…号"

The file has one day per line: `YYYY-MM-DD,holiday|workday|休|班,名称`. The same validation, audit
event and cache invalidation as the office page apply; `--dry-run` only prints what would change.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from platform_site.uploads import UploadError, decode_text
from publication.calendar import calendar_year_import, calendar_year_import_preview


class Command(BaseCommand):
    help = "Import a year's official holiday schedule (State Council notice) from a CSV/TSV file."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("path", help="CSV/TSV file, UTF-8, or '-' for standard input")
        parser.add_argument("--user", required=True, help="username of the office admin importing")
        parser.add_argument("--note", default="", help="the notice's title or reference number")
        parser.add_argument("--dry-run", action="store_true", help="only show what would change")

    def handle(self, *args, **options):
        year = options["year"]
        text = self._read(options["path"])
        try:
            preview = calendar_year_import_preview(year=year, text_or_rows=text)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        for change in preview.changes:
            before = f"{change.before_kind} {change.before_name}".strip() or "-"
            after = f"{change.after_kind} {change.after_name}".strip() or "-"
            marker = " *" if change.working_changed else ""
            self.stdout.write(
                f"{change.action:<7} {change.date.isoformat()}  {before} -> {after}{marker}"
            )
        self.stdout.write(
            f"{year}: {preview.holiday_count} holiday(s), {preview.makeup_workday_count} make-up "
            f"working day(s); {len(preview.changes)} change(s), "
            f"{preview.unchanged_count} unchanged (* = working/day-off status changes)."
        )
        if options["dry_run"]:
            return
        user = User.objects.filter(username=options["user"]).select_related("department").first()
        if user is None:
            raise CommandError(f"no user named '{options['user']}'.")
        try:
            calendar_year_import(
                year=year,
                text_or_rows=text,
                imported_by=user,
                expected_digest=preview.digest,
                note=options["note"],
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported: {year} is now marked official.")

    def _read(self, path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        try:
            return decode_text(Path(path).read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        except UploadError as error:
            raise CommandError(f"{path}: {error}") from None
