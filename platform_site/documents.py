"""Printable documents: one mechanism for every PDF of the platform.

Each app declares its kinds in its own ``documents.py`` (template, context, access function and
address stay with the app; `platform_site.apps` imports them at start-up). This module only knows
their common shape, and needs no app and no table:

- **Fingerprint.** A document's HTML is everything it prints except the render time and a batch
  chunk's page offset (those come in a small stylesheet at render time), so the SHA-256 of the HTML
  is a fingerprint of the data it shows, cheap to compute on every request (templates, no layout).
- **Cache.** The PDF lives at ``DOCUMENTS_ROOT/<kind>/<subject>/<fingerprint>.pdf``, outside the
  web roots: it exists exactly when that data has been rendered. A newer file of the same subject
  removes the older ones.
- **One render.** A request that finds no file takes the subject's render lock with an atomic
  ``SET NX`` (Redis, ``RENDER_LEASE``) and queues the job after the commit; a repeated request while
  the lock is held queues nothing. The job claims its own lock the same way, so a second delivery
  renders nothing twice; a failed render drops the lock, so the next request queues it again; the
  lock of a worker that died expires after the lease.
- **Waiting.** The page shows "正在生成…" with the progress (Redis) and polls the document by id
  through the kind's access function, and goes back to the page's address once the file is there.
- **Batches.** A kind with ``chunk_size`` renders that many parts per WeasyPrint document into
  temporary files, which pypdf concatenates: memory does not grow with the batch.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import models, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # What `request.user` is (AUTH_USER_MODEL or AnonymousUser) and the signed-in AUTH_USER_MODEL,
    # as django-stubs names them (the same types as accounts.types.RequestUser and User): this
    # shared module may not import accounts (tests/platform/test_layering.py).
    from django.contrib.auth.models import _AnyUser as RequestUser
    from django.contrib.auth.models import _User as SignedInUser

QR_SCHEME = "qr:"
DOCUMENT_ID = re.compile(r"[0-9a-f]{32}")
# A render not finished after this long is taken to have died with its worker.
RENDER_LEASE_SECONDS = 15 * 60
# How long the status of a document (progress, page count, failure) is kept in Redis.
STATE_SECONDS = 30 * 24 * 3600


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RENDERING = "rendering", _("正在生成")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")
    # The data changed while the job waited: the page asks again for the current data.
    STALE = "stale", _("数据已变化")


# --- kinds ------------------------------------------------------------------------------------------

_REGISTRY: dict[str, DocumentKind] = {}


class DocumentKind:
    """A kind of printable document.

    `params` names the integer parameters that identify a subject (the API accepts them as they
    are; pages pass them from their URL). `authorize` is the access check of the page the document
    belongs to (Http404 for missing and not yours alike) and returns the subject; `load` returns it
    without a user, for the job. A batch kind (`chunk_size`) gives `parts` (common context and one
    context per part) instead of `context`. `requested` runs when a request queues a new render, in
    its transaction (an app records the printing of an official form in its audit trail there).
    """

    name: ClassVar[str]
    label: ClassVar[str]
    template: ClassVar[str]
    params: ClassVar[dict[str, str]] = {}
    optional_params: ClassVar[frozenset[str]] = frozenset()
    chunk_size: ClassVar[int] = 0

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, int]:
        """Only this kind's parameters, as integers; Http404 when one is missing or malformed."""
        cleaned: dict[str, int] = {}
        for name in self.params:
            value = raw.get(name)
            if value in (None, ""):
                if name in self.optional_params:
                    continue
                raise Http404
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                raise Http404 from None
            if not 0 <= cleaned[name] < 2**62:
                raise Http404
        return cleaned

    def key(self, params: Mapping[str, int]) -> str:
        return "_".join(f"{name}-{params[name]}" for name in sorted(params))

    def load(self, params: Mapping[str, int]) -> Any:
        raise NotImplementedError

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> Any:
        raise NotImplementedError

    def context(self, subject: Any) -> dict[str, Any]:
        raise NotImplementedError

    def parts(self, subject: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        raise NotImplementedError

    def filename(self, subject: Any) -> str:
        raise NotImplementedError

    def url(self, params: Mapping[str, int]) -> str:
        """The page address that asks for this document (where the waiting page goes back to)."""
        raise NotImplementedError

    def requested(
        self, subject: Any, *, user: SignedInUser | None, params: Mapping[str, int]
    ) -> None:
        return None


def register(kind_class: type[DocumentKind]) -> type[DocumentKind]:
    _REGISTRY[kind_class.name] = kind_class()
    return kind_class


def get_kind(name: str) -> DocumentKind:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404 from None


def all_kinds() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda kind: kind.name)


# --- rendering --------------------------------------------------------------------------------------


def html_chunks(kind: DocumentKind, subject: Any) -> Iterator[tuple[str, int]]:
    """(HTML, parts in it) per WeasyPrint document: one for a plain kind, one per chunk of a batch."""
    context = {"city_name": getattr(settings, "CITY_NAME", "")}
    if not kind.chunk_size:
        context.update(kind.context(subject))
        yield render_to_string(kind.template, context), 1
        return
    common, parts = kind.parts(subject)
    context.update(common, part_total=len(parts))
    for start in range(0, max(len(parts), 1), kind.chunk_size):
        chunk = parts[start : start + kind.chunk_size]
        yield render_to_string(kind.template, {**context, "parts": chunk}), len(chunk)


def part_count(kind: DocumentKind, subject: Any) -> int:
    return len(kind.parts(subject)[1]) if kind.chunk_size else 1


def fingerprint(kind: DocumentKind, subject: Any) -> str:
    digest = hashlib.sha256()
    for html, _count in html_chunks(kind, subject):
        digest.update(html.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def qr_svg(text: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", border=0, xmldecl=False, svgns=True)
    return buffer.getvalue()


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """QR codes are drawn here and data: URIs pass; nothing is fetched from the network or
        read from disk on a document's say-so."""

        def fetch(self, url, headers=None):
            if url.startswith(QR_SCHEME):
                return URLFetcherResponse(
                    url, qr_svg(url[len(QR_SCHEME) :]), {"Content-Type": "image/svg+xml"}
                )
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"resource not allowed in a printed document: {url[:80]}")

    return LocalFetcher()


def _render_css(*, page_offset: int, rendered_at: str) -> str:
    css = (
        f'@page {{ @bottom-right {{ content: "生成于 {rendered_at}"; font-family: "Noto Serif CJK SC";'
        " font-size: 6.5pt; color: #888; } }"
    )
    if page_offset:
        # A batch chunk goes on numbering where the previous one stopped (the reset value is the
        # number its first page shows).
        css += f"@page :first {{ counter-reset: page {page_offset + 1}; }}"
    return css


def write_pdf(html: str, target: Path | str, *, page_offset: int = 0) -> int:
    """One WeasyPrint document to `target`; returns its number of pages."""
    from weasyprint import CSS, HTML

    fetcher = _url_fetcher()
    rendered_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render(
        stylesheets=[
            CSS(
                string=_render_css(page_offset=page_offset, rendered_at=rendered_at),
                url_fetcher=fetcher,
            )
        ]
    )
    document.write_pdf(target)
    pages = len(document.pages)
    del document
    # WeasyPrint's font faces hold the font files (Noto CJK: tens of MB each) in reference
    # cycles: without a collection here each document keeps ~50 MB until the collector happens
    # to run, and a batch's memory climbs with its length (measured in bench/printing.py).
    gc.collect()
    return pages


def render_to_file(
    kind: DocumentKind,
    subject: Any,
    target: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """Render the document to `target` (written whole, then moved into place); return the
    fingerprint of what it shows and its page count. A batch renders chunk by chunk into temporary
    files and pypdf concatenates them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    pages = done = 0
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".render-") as workdir:
        chunk_paths: list[Path] = []
        for index, (html, count) in enumerate(html_chunks(kind, subject)):
            digest.update(html.encode("utf-8"))
            digest.update(b"\x00")
            chunk_path = Path(workdir) / f"{index:05d}.pdf"
            pages += write_pdf(html, chunk_path, page_offset=pages)
            chunk_paths.append(chunk_path)
            done += count
            if on_progress is not None:
                on_progress(done)
        assembled = Path(workdir) / "document.pdf"
        if len(chunk_paths) == 1:
            chunk_paths[0].rename(assembled)
        else:
            _concatenate(chunk_paths, assembled)
        os.replace(assembled, target)
    return digest.hexdigest(), pages


def _concatenate(paths: list[Path], target: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    with open(target, "wb") as handle:
        writer.write(handle)
    writer.close()


def render_bytes(kind: DocumentKind, subject: Any) -> bytes:
    """The PDF in memory, uncached: for tests and benchmarks, never for a request."""
    with tempfile.TemporaryDirectory(prefix="ssj-render-") as workdir:
        target = Path(workdir) / "document.pdf"
        render_to_file(kind, subject, target)
        return target.read_bytes()


# --- state: files on disk, progress and locks in Redis --------------------------------------------


@dataclass
class Document:
    """What a page or the API shows of one document (kind, subject and fingerprint)."""

    id: str
    kind: str
    params: dict[str, int]
    fingerprint: str
    status: str = DocumentStatus.QUEUED
    progress_done: int = 0
    progress_total: int = 1
    page_count: int = 0
    file_size: int = 0
    requested_at: str = ""
    rendered_at: str = ""
    failure_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)

    @property
    def progress_percent(self) -> int:
        if self.is_ready:
            return 100
        if not self.progress_total:
            return 0
        return min(99, int(self.progress_done * 100 / self.progress_total))

    def get_status_display(self) -> str:
        return str(DocumentStatus(self.status).label)

    @property
    def path(self) -> Path:
        kind = get_kind(self.kind)
        return document_path(kind, kind.key(self.params), self.fingerprint)


def documents_root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


def document_path(kind: DocumentKind, key: str, fingerprint: str) -> Path:
    return documents_root() / kind.name / key / f"{fingerprint}.pdf"


def document_id(kind: DocumentKind, key: str, fingerprint: str) -> str:
    return hashlib.sha256(f"{kind.name}\n{key}\n{fingerprint}".encode()).hexdigest()[:32]


def _state_key(doc_id: str) -> str:
    return f"documents:state:{doc_id}"


def _lock_key(doc_id: str) -> str:
    return f"documents:queued:{doc_id}"


def _claim_key(doc_id: str) -> str:
    return f"documents:rendering:{doc_id}"


def _store(document: Document) -> None:
    state = {
        name: getattr(document, name)
        for name in (
            "kind", "params", "fingerprint", "status", "progress_done", "progress_total",
            "page_count", "file_size", "requested_at", "rendered_at", "failure_reason",
        )
    }  # fmt: skip
    cache.set(_state_key(document.id), state, timeout=STATE_SECONDS)


def document_get(doc_id: str) -> Document | None:
    """The document by id as far as Redis remembers it (None once its state expired); a ready
    document whose file is gone reads as stale, so the page asks for it again."""
    state = cache.get(_state_key(doc_id)) if DOCUMENT_ID.fullmatch(doc_id) else None
    if not isinstance(state, dict):
        return None
    document = Document(id=doc_id, **state)
    if document.is_ready and not document.path.exists():
        document.status = DocumentStatus.STALE
    return document


def _now() -> str:
    return timezone.now().isoformat()


@transaction.atomic
def document_request(
    *, kind: DocumentKind, params: dict[str, int], subject: Any, requested_by: RequestUser
) -> Document:
    """The document of `subject` as it is now: ready, or queued for rendering (at most once while
    a render is pending). The caller has checked access (`kind.authorize`)."""
    key = kind.key(params)
    fp = fingerprint(kind, subject)
    doc_id = document_id(kind, key, fp)
    path = document_path(kind, key, fp)
    if path.exists():
        document = document_get(doc_id) or Document(
            id=doc_id, kind=kind.name, params=params, fingerprint=fp
        )
        document.status = DocumentStatus.READY
        document.file_size = path.stat().st_size
        return document
    if not cache.add(_lock_key(doc_id), _now(), timeout=RENDER_LEASE_SECONDS):
        # Queued or rendering already: this request waits for that render.
        return document_get(doc_id) or Document(
            id=doc_id, kind=kind.name, params=params, fingerprint=fp
        )
    try:
        document = Document(
            id=doc_id,
            kind=kind.name,
            params=params,
            fingerprint=fp,
            progress_total=part_count(kind, subject),
            requested_at=_now(),
        )
        _store(document)
        kind.requested(
            subject,
            user=None if isinstance(requested_by, AnonymousUser) else requested_by,
            params=params,
        )
    except BaseException:
        cache.delete(_lock_key(doc_id))
        raise
    _queue_render(kind.name, params, fp)
    return document


def _queue_render(kind_name: str, params: dict[str, int], fp: str) -> None:
    from platform_site.jobs import document_render_job

    transaction.on_commit(lambda: document_render_job.delay(kind_name, params, fp))


def document_render(*, kind_name: str, params: dict[str, int], fingerprint: str) -> Document | None:
    """Render a queued document (the job's one call); None when another run holds it. Runs outside
    a transaction: a batch's progress shows while it renders, and a PDF never waits inside an open
    transaction."""
    kind = get_kind(kind_name)
    params = kind.clean_params(params)
    key = kind.key(params)
    doc_id = document_id(kind, key, fingerprint)
    target = document_path(kind, key, fingerprint)
    document = document_get(doc_id) or Document(
        id=doc_id, kind=kind.name, params=params, fingerprint=fingerprint, requested_at=_now()
    )
    if target.exists():
        cache.delete(_lock_key(doc_id))
        return document
    if not cache.add(_claim_key(doc_id), _now(), timeout=RENDER_LEASE_SECONDS):
        return None
    started = time.monotonic()
    try:
        document.status = DocumentStatus.RENDERING
        _store(document)
        try:
            subject = kind.load(params)
        except Exception:
            # Gone or no longer printable (a draw voided, a version withdrawn).
            document.status, document.failure_reason = DocumentStatus.STALE, "文书对象已不存在。"
            _store(document)
            return document

        def on_progress(done: int) -> None:
            document.progress_done = min(done, max(document.progress_total, done))
            document.progress_total = max(document.progress_total, done)
            _store(document)

        scratch = target.with_name(f".{target.stem}.{os.getpid()}.pdf")
        try:
            rendered_fp, pages = render_to_file(kind, subject, scratch, on_progress=on_progress)
        except Exception as error:
            scratch.unlink(missing_ok=True)
            document.status = DocumentStatus.FAILED
            document.failure_reason = f"{type(error).__name__}: {error}"[:500]
            _store(document)
            raise
        if rendered_fp != fingerprint:
            # The data changed after the request: this file shows newer data than asked for.
            scratch.unlink(missing_ok=True)
            document.status, document.failure_reason = DocumentStatus.STALE, "文书内容已变化。"
            _store(document)
            return document
        os.replace(scratch, target)
        for older in target.parent.glob("*.pdf"):
            if older != target:
                older.unlink(missing_ok=True)
        document.status = DocumentStatus.READY
        document.page_count = pages
        document.file_size = target.stat().st_size
        document.progress_done = document.progress_total
        document.rendered_at = _now()
        document.failure_reason = ""
        document.extra["seconds"] = round(time.monotonic() - started, 3)
        _store(document)
        return document
    finally:
        cache.delete(_claim_key(doc_id))
        cache.delete(_lock_key(doc_id))


# --- HTTP: the one way a page serves its document ------------------------------------------------


def document_response(
    request: HttpRequest, kind_name: str, params: Mapping[str, Any]
) -> HttpResponseBase:
    """A page's PDF address: access through the kind, then the cached file or "正在生成…"."""
    kind = get_kind(kind_name)
    cleaned = kind.clean_params(params)
    subject = kind.authorize(request.user, cleaned)
    document = document_request(
        kind=kind, params=cleaned, subject=subject, requested_by=request.user
    )
    if not document.is_ready and document.path.exists():
        # A worker (or eager Celery) finished it as the request's transaction committed.
        document = document_get(document.id) or document
        document.status = DocumentStatus.READY
    if document.is_ready:
        return file_response(document, kind.filename(subject))
    return render(
        request,
        "platform_site/documents/waiting.html",
        {"document": document, "kind": kind, "page_url": kind.url(cleaned)},
        status=202,
    )


def file_response(document: Document, filename: str) -> FileResponse:
    path = document.path
    if not path.exists():
        raise Http404
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type="application/pdf",
        as_attachment=False,
        filename=filename,
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def access_document_for_user(user: RequestUser, doc_id: str) -> tuple[Document, Any]:
    """A document is visible to whoever may see the page it belongs to (its kind's access
    function) and to no one else; the same 404 for missing and not yours."""
    document = document_get(doc_id)
    if document is None:
        raise Http404
    kind = get_kind(document.kind)
    return document, kind.authorize(user, kind.clean_params(document.params))


def document_status_view(request: HttpRequest, document_id: str) -> HttpResponse:
    document, _subject = access_document_for_user(request.user, document_id)
    page_url = get_kind(document.kind).url(document.params)
    response = render(
        request,
        "platform_site/documents/_progress.html",
        {"document": document, "page_url": page_url},
    )
    if request.headers.get("HX-Request") and document.status in (
        DocumentStatus.READY,
        DocumentStatus.STALE,
    ):
        # Back to the page's address: it serves the file, or asks again for the current data.
        response["HX-Redirect"] = page_url
    return response


def document_file_view(request: HttpRequest, document_id: str) -> HttpResponseBase:
    document, subject = access_document_for_user(request.user, document_id)
    if not document.is_ready:
        raise Http404
    return file_response(document, get_kind(document.kind).filename(subject))
