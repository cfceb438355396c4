"""`python manage.py check_uscc CODE...` or `--file F` (one code a line): validate unified social
credit codes (GB 32100-2015), one result line per code; exit status 1 if any is invalid."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from platform_site.uploads import UploadError, decode_text
from registries.uscc import UsccCheck, validate_uscc


def describe(check: UsccCheck) -> str:
    if check.valid:
        return f"{check.code} VALID"
    if check.reason == "length":
        reason = f"length (got {len(check.code)})"
    elif check.reason == "charset":
        reason = (
            f"character set (position {check.position}: character {check.character} not allowed)"
        )
    else:
        reason = f"check character (expected {check.expected_check})"
    return f"{check.code} INVALID: {reason}"


class Command(BaseCommand):
    help = (
        "Validate unified social credit codes (统一社会信用代码) with the GB 32100 check character."
    )

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="codes to check")
        parser.add_argument("--file", help="a text file with one code a line (- for stdin)")

    def handle(self, *args, codes, file=None, **options):
        codes = list(codes)
        if file:
            codes.extend(self._read(file))
        if not codes:
            raise CommandError("give at least one code, or --file")
        invalid = 0
        for code in codes:
            check = validate_uscc(code)
            invalid += not check.valid
            self.stdout.write(describe(check))
        if invalid:
            self.stderr.write(f"{invalid} of {len(codes)} codes invalid")
            sys.exit(1)

    @staticmethod
    def _read(file: str) -> list[str]:
        if file == "-":
            text = sys.stdin.read()
        else:
            try:
                raw = Path(file).read_bytes()
            except OSError as error:
                raise CommandError(f"cannot read {file}: {error}") from None
            try:
                text = decode_text(raw)
            except UploadError as error:
                raise CommandError(f"{file}: {error}") from None
        return [line.strip() for line in text.splitlines() if line.strip()]
