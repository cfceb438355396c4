"""The one upload reader of the platform: how big a request may be, how a text file's encoding is
found, how CSV, XLSX and XLS files become rows of text, and the checks that keep hostile files
(zip bombs, XML entity expansion, oversized sheets) from being parsed at all.

Every import uses it: inspection objects (``registries/importing``), inspectors and experts
(``registries/inspector_importing.py``), the matter list (``catalog/sources.py``) and the working-day
calendar (``publication``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

# Cell values -----------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?|(\d{4})(\d{2})(\d{2})"
)


class CellDateError(ValueError):
    """A date cell that is not a date; ``impossible`` when it is written as one (2025/2/30)."""

    def __init__(self, text: str, *, impossible: bool):
        self.text = text
        self.impossible = impossible
        if impossible:
            message = _("日期不存在：%(value)s（请检查月份和日）") % {"value": text}
        else:
            message = _("日期格式错误：%(value)s，应为 YYYY-MM-DD（如 2024-03-05）") % {
                "value": text
            }
        super().__init__(message)


def parse_cell_date(text: str) -> dt.date:
    """The date a cell states: '2024-03-05', '2024/3/5', '2024.3.5', '2024年3月5日', '20240305'
    (a midnight time after it, as spreadsheets export dates, is allowed). Raises CellDateError."""
    text = text.strip()
    match = _DATE.fullmatch(text)
    if match is None:
        raise CellDateError(text, impossible=False)
    parts = match.group(1, 2, 3) if match.group(1) else match.group(4, 5, 6)
    year, month, day = (int(part) for part in parts)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellDateError(text, impossible=True) from None
