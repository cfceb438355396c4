"""The list page every app's filtered lists use: filter (the caller's filterset or selector),
paginate, and export the whole filtered list through the one tabular export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http.response import HttpResponseBase
from django.shortcuts import render

from platform_site.exports import EXPORT_FORMATS


def list_query(request) -> str:
    """The list's filters as a query string, without the page and the export format: what the
    pager (``includes/pagination.html``) and the export links put their own parameter after."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def list_page(
    request,
    *,
    rows,
    template: str,
    context: dict[str, Any] | None = None,
    per_page: int = 50,
    export: Callable[[Any, str], HttpResponseBase] | None = None,
    export_formats: tuple[str, ...] = EXPORT_FORMATS,
) -> HttpResponseBase:
    """A filtered list page: with ``?format=`` one of ``export_formats`` (and an ``export``), the
    whole filtered list as that file (``export(rows, format)``, see
    :func:`platform_site.exports.table_response`); otherwise the template with one ``page`` of
    ``rows`` and ``query`` (:func:`list_query`) besides ``context``."""
    export_format = request.GET.get("format")
    if export is not None and export_format in export_formats:
        return export(rows, export_format)
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return render(
        request, template, {"page": page, "query": list_query(request), **(context or {})}
    )
