"""HTML → PDF with WeasyPrint: the one place that knows fonts, resources and batching.

The HTML of a document is everything it prints except the render time and the page offset of a
batch chunk; those two come in a small stylesheet at render time. So the SHA-256 of the HTML is a
fingerprint of the data the document shows, cheap to compute on every request (templates only,
no layout), and the cached PDF is valid exactly while it matches.
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from printing.kinds import DocumentKind

QR_SCHEME = "qr:"


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


def fingerprint_of(chunks: Iterator[tuple[str, int]]) -> str:
    digest = hashlib.sha256()
    for html, _count in chunks:
        digest.update(html.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def fingerprint(kind: DocumentKind, subject: Any) -> str:
    return fingerprint_of(html_chunks(kind, subject))


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """QR codes are drawn here; data: URIs pass; nothing is ever fetched from the network or
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


def qr_svg(text: str) -> bytes:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", border=0, xmldecl=False, svgns=True)
    return buffer.getvalue()


def _render_css(*, page_offset: int, rendered_at: str) -> str:
    css = (
        f'@page {{ @bottom-right {{ content: "生成于 {rendered_at}"; font-family: "Noto Serif CJK SC";'
        " font-size: 6.5pt; color: #888; } }"
    )
    if page_offset:
        # A chunk of a batch goes on numbering where the previous one stopped (the reset value is
        # the number its first page shows).
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
    """Render the document to `target` (written whole, then moved into place) and return the
    fingerprint of what it shows and its page count. A batch renders chunk by chunk into
    temporary files and pypdf concatenates them: memory is one chunk's, not the whole batch's."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    pages = 0
    done = 0
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
