"""Shared helpers for CSV/XLSX exports of filtered lists."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def _needs_guard(value: str) -> bool:
    # A value that already looks guarded ('=x, or ''=x) gets a guard of its own, so that taking
    # one guard off on import gives the value back exactly (see unguard_cell).
    return value.lstrip(GUARD).startswith(FORMULA_PREFIXES)


def safe_cell(value: Any) -> Any:
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


# One tabular export: every list's CSV and XLSX download goes through table_response ----------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("csv", "xlsx")
# A finished workbook up to this size is sent from memory; a larger one from its temporary file, so
# that a registry-sized export does not hold the whole zip in the worker's memory.
XLSX_IN_MEMORY_LIMIT = 8 * 1024 * 1024
BOM = "\ufeff"


def _guarded(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]], stream: bool = True
) -> HttpResponse | StreamingHttpResponse:
    """A CSV (UTF-8 with a BOM, so Excel detects the encoding), every cell formula-safe.

    `filename` is without its extension; `rows` may be a lazy iterator (a queryset's
    ``iterator(chunk_size=…)``): streamed, a long list is never held in memory. A short fixed
    file (an import template) may be sent whole (``stream=False``)."""
    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in rows:
            yield writer.writerow(_guarded(row))

    response: HttpResponse | StreamingHttpResponse
    content_type = "text/csv; charset=utf-8"
    if stream:
        response = StreamingHttpResponse(lines(), content_type=content_type)
    else:
        response = HttpResponse("".join(lines()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    *,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    sheet_title: str | None = None,
) -> HttpResponse | FileResponse:
    """An XLSX workbook written by openpyxl in write-only mode (constant memory while writing; a
    zip cannot be streamed before it is finished), every cell formula-safe."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.append(list(header))
    for row in rows:
        sheet.append(_guarded(row))
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    workbook.save(target)
    if target.tell() > XLSX_IN_MEMORY_LIMIT:
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
        )
    target.seek(0)
    with target:
        response = HttpResponse(target.read(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(
    *,
    export_format: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Iterable[Any]],
    sheet_title: str | None = None,
) -> HttpResponseBase:
    """The list as ``export_format`` ("xlsx", else CSV): the one way a page or API exports a table."""
    if export_format == "xlsx":
        return xlsx_response(filename=filename, header=header, rows=rows, sheet_title=sheet_title)
    return csv_response(filename=filename, header=header, rows=rows)
