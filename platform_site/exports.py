"""Shared helpers for CSV/XLSX exports of filtered lists."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def _needs_guard(value: str) -> bool:
    # A value that already looks guarded ('=x, or ''=x) gets a guard of its own, so that taking
    # one guard off on import gives the value back exactly (see unguard_cell).
    return value.lstrip(GUARD).startswith(FORMULA_PREFIXES)


def safe_cell(value):
    """Neutralise spreadsheet formula injection: a text cell starting with = + - @ (or a tab or
    carriage return) is prefixed with an apostrophe so spreadsheets show it as text."""
    if isinstance(value, str) and _needs_guard(value):
        return GUARD + value
    return value


def unguard_cell(text: str) -> str:
    """The inverse of :func:`safe_cell`, applied by every import to the cells it reads: the
    platform's own exports (and a spreadsheet's text marker) come back as the values they were.
    ``unguard_cell(safe_cell(x)) == x`` for every string."""
    if text.startswith(GUARD) and _needs_guard(text[1:]):
        return text[1:]
    return text


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value
