"""The one way a page serves a printable document, and the generic status and file views.

A page's PDF address calls `document_response` after nothing else: it checks access through the
kind (the same function as the page), asks for the document and either streams the cached file or
shows "正在生成…", whose progress fragment polls the document by id (checked through the same
kind) and sends the browser back to the page's address once the file is ready.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from printing.choices import DocumentStatus
from printing.kinds import DocumentKind, get_kind
from printing.models import PrintedDocument
from printing.services import document_path, document_request


def document_response(
    request: HttpRequest, kind_name: str, params: Mapping[str, Any]
) -> HttpResponse:
    kind = get_kind(kind_name)
    cleaned = kind.clean_params(params)
    subject = kind.authorize(request.user, cleaned)
    document = document_request(
        kind=kind, params=cleaned, subject=subject, requested_by=request.user
    )
    if not document.is_ready:
        # A worker (or eager Celery) may have finished it as the request's transaction committed.
        document.refresh_from_db()
    if document.is_ready:
        return file_response(document, kind.filename(subject))
    return render(
        request,
        "printing/waiting.html",
        {"document": document, "kind": kind, "page_url": kind.url(cleaned)},
        status=202,
    )


def file_response(document: PrintedDocument, filename: str) -> HttpResponse:
    path = document_path(document)
    if not document.file_name or not path.exists():
        raise Http404
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type="application/pdf",
        as_attachment=False,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def access_document_for_user(user: Any, document_id: int) -> tuple[PrintedDocument, Any]:
    """A document is visible to whoever may see the page it belongs to (its kind's access
    function), and to no one else; the same 404 for missing and not yours."""
    document = get_object_or_404(PrintedDocument, pk=document_id)
    kind: DocumentKind = get_kind(document.kind)
    subject = kind.authorize(user, kind.clean_params(document.params))
    return document, subject


@require_GET
def document_status(request: HttpRequest, document_id: int) -> HttpResponse:
    document, _subject = access_document_for_user(request.user, document_id)
    kind = get_kind(document.kind)
    page_url = kind.url(document.params)
    response = render(
        request, "printing/_progress.html", {"document": document, "page_url": page_url}
    )
    if request.htmx and document.status in (DocumentStatus.READY, DocumentStatus.STALE):
        # Back to the page's address: it serves the file, or asks again for the current data.
        response["HX-Redirect"] = page_url
    return response


@require_GET
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    document, subject = access_document_for_user(request.user, document_id)
    if not document.is_ready:
        raise Http404
    return file_response(document, get_kind(document.kind).filename(subject))
