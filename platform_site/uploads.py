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


# Request size --------------------------------------------------------------------------------------
# Every request body is refused before it is read when its declared length is over the limit of the
# endpoint it is sent to: Django reads no more than Content-Length, so nothing of a refused body is
# spooled to memory or disk, and nobody waits for 500 MB to arrive to be told no. An endpoint that
# takes an upload has its own limit below (the file's own limit plus room for the form's other
# fields and the multipart boundaries); every other endpoint takes small bodies only.

MiB = 1024 * 1024
OBJECT_IMPORT_MAX_BYTES = 512 * MiB  # a million-row CSV is ~180 MB
REGISTRY_IMPORT_MAX_BYTES = 10 * MiB  # inspectors and experts
MATTER_IMPORT_MAX_BYTES = 10 * MiB
CALENDAR_IMPORT_MAX_BYTES = 64 * 1024
# A draw bundle carries ~60 bytes per candidate: 32 MiB holds a draw among ~500,000 candidates.
DRAW_BUNDLE_MAX_BYTES = 32 * MiB
FORM_ALLOWANCE = 64 * 1024
DEFAULT_BODY_MAX_BYTES = int(2.5 * MiB)  # Django's own default for a request body held in memory

UPLOAD_LIMITS: dict[str, int] = {
    "registries:import_job_create": OBJECT_IMPORT_MAX_BYTES,
    "registries_api:import_job_create": OBJECT_IMPORT_MAX_BYTES,
    "registries:inspector_import": REGISTRY_IMPORT_MAX_BYTES,
    "registries_api:inspector_import": REGISTRY_IMPORT_MAX_BYTES,
    "catalog:import_upload": MATTER_IMPORT_MAX_BYTES,
    "catalog_api:import_preview": MATTER_IMPORT_MAX_BYTES,
    "publication:calendar_import": CALENDAR_IMPORT_MAX_BYTES,
    "publication_api:year_import": CALENDAR_IMPORT_MAX_BYTES,
    "tasks:verify": DRAW_BUNDLE_MAX_BYTES,
    "tasks_api:verify": DRAW_BUNDLE_MAX_BYTES,
}


def body_limit(url_name: str | None) -> int:
    """The largest request body the endpoint named ``url_name`` ("namespace:name") accepts."""
    if url_name in UPLOAD_LIMITS:
        return UPLOAD_LIMITS[url_name] + FORM_ALLOWANCE
    return DEFAULT_BODY_MAX_BYTES


_SMALLEST_LIMIT = min(DEFAULT_BODY_MAX_BYTES, *(body_limit(name) for name in UPLOAD_LIMITS))


def _size_label(size: int) -> str:
    if size >= MiB:
        return f"{size / MiB:g} MB"
    return f"{size / 1024:g} KB"


class RequestSizeLimitMiddleware:
    """Refuses (413) a request whose declared body is larger than its endpoint accepts, before
    anything reads the body. It comes before every middleware that may read the body (CSRF reads
    the form of a POST)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length > _SMALLEST_LIMIT or length < 0:
            name = _url_name(request.path_info)
            if length < 0 or length > body_limit(name):
                return _too_large(request, UPLOAD_LIMITS.get(name, DEFAULT_BODY_MAX_BYTES))
        return self.get_response(request)


def _url_name(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _too_large(request, limit: int):
    """413 without reading the body (gunicorn's sync workers then close the connection, so the
    rest of the body is never received)."""
    from django.http import HttpResponse, JsonResponse

    message = _("上传的内容过大：此处最大 %(size)s。") % {"size": _size_label(limit)}
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
