"""Writes of the printing app: ask for a document, render it (in the job), prune superseded files.

A request never renders: it finds the row for the current fingerprint of the document's data or
creates it (one row per kind, subject and fingerprint; a unique constraint settles two requests
racing), and queues the render after the commit only when it created or revived the row. The job
claims the row with a conditional UPDATE, so a second delivery renders nothing twice.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import record_event
from printing import rendering
from printing.choices import DocumentStatus
from printing.kinds import DocumentKind, get_kind
from printing.models import PrintedDocument

logger = logging.getLogger(__name__)

# A render that has not finished after this long is taken to have died with its worker.
RENDER_LEASE = timedelta(minutes=15)


def documents_root() -> Path:
    return Path(settings.DOCUMENTS_ROOT)


def document_path(document: PrintedDocument) -> Path:
    return documents_root() / document.file_name


def _queue(document: PrintedDocument) -> None:
    from printing.jobs import document_render_job

    document_render_job.delay_on_commit(document.pk)


@transaction.atomic
def document_request(
    *, kind: DocumentKind, params: dict[str, int], subject: Any, requested_by: Any
) -> PrintedDocument:
    """The document of `subject` as it is now: ready, or queued for rendering (at most once).

    The caller has checked access (`kind.authorize`). A failed render, or one whose worker died,
    is queued again by the next request; a ready row whose file went missing is rendered again.
    """
    key = kind.key(params)
    fingerprint = rendering.fingerprint(kind, subject)
    user = requested_by if getattr(requested_by, "is_authenticated", False) else None
    document = PrintedDocument.objects.filter(
        kind=kind.name, key=key, fingerprint=fingerprint
    ).first()
    if document is None:
        try:
            with transaction.atomic():
                document = PrintedDocument.objects.create(
                    kind=kind.name,
                    key=key,
                    params=params,
                    fingerprint=fingerprint,
                    requested_by=user,
                    progress_total=rendering.part_count(kind, subject),
                )
        except IntegrityError:
            # Another request created it a moment ago and queued its render.
            return PrintedDocument.objects.get(kind=kind.name, key=key, fingerprint=fingerprint)
        if kind.audited and user is not None:
            record_event(
                actor=user,
                action="document.requested",
                target=kind.audit_target(subject),
                details={"kind": kind.name, "params": params, "fingerprint": fingerprint},
            )
        _queue(document)
        return document
    if _revive(document):
        document.refresh_from_db()
        _queue(document)
    return document


def _revive(document: PrintedDocument) -> bool:
    """Queue again a failed, stale or abandoned render, or a ready one whose file is gone (the
    fingerprint says this row shows the current data). Conditional on the state this request saw:
    of two requests seeing the same dead row, one revives it."""
    now = timezone.now()
    if document.status == DocumentStatus.QUEUED:
        return False
    if document.status == DocumentStatus.RENDERING and (
        document.claimed_at is None or document.claimed_at >= now - RENDER_LEASE
    ):
        return False
    if document.is_ready and document_path(document).exists():
        return False
    revived = PrintedDocument.objects.filter(
        pk=document.pk, status=document.status, claimed_at=document.claimed_at
    ).update(
        status=DocumentStatus.QUEUED,
        failure_reason="",
        progress_done=0,
        file_name="",
        file_size=0,
        requested_at=now,
    )
    return revived == 1


def _claim(document_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=DocumentStatus.QUEUED) | Q(
        status=DocumentStatus.RENDERING, claimed_at__lt=now - RENDER_LEASE
    )
    claimed = PrintedDocument.objects.filter(claimable, pk=document_id).update(
        status=DocumentStatus.RENDERING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def document_render(*, document_id: int) -> PrintedDocument | None:
    """Render a queued document (the job's one call). Returns None when there is nothing to do:
    another run holds it or finished it. Runs outside a transaction: the progress of a batch is
    visible while it renders, and a PDF never waits inside an open transaction."""
    if not _claim(document_id):
        return None
    document = PrintedDocument.objects.get(pk=document_id)
    kind = get_kind(document.kind)
    started = time.monotonic()
    try:
        subject = kind.load(document.params)
    except Exception:
        # The subject is gone or no longer printable (a draw voided, a version withdrawn).
        _finish(document, status=DocumentStatus.STALE, reason="文书对象已不存在或已变化。")
        return document
    file_name = f"{kind.name}/{document.pk}-{document.fingerprint[:16]}.pdf"
    target = documents_root() / file_name

    def on_progress(done: int) -> None:
        PrintedDocument.objects.filter(pk=document.pk).update(
            progress_done=min(done, document.progress_total or done),
            progress_total=max(document.progress_total, done),
        )

    try:
        fingerprint, pages = rendering.render_to_file(
            kind, subject, target, on_progress=on_progress
        )
    except Exception as error:
        logger.exception("rendering document %s failed", document.pk)
        _finish(document, status=DocumentStatus.FAILED, reason=f"{type(error).__name__}: {error}")
        raise
    if fingerprint != document.fingerprint:
        # The data changed after the request: this file shows newer data than the row promises.
        target.unlink(missing_ok=True)
        _finish(document, status=DocumentStatus.STALE, reason="文书内容已变化，请重新生成。")
        return document
    PrintedDocument.objects.filter(pk=document.pk, status=DocumentStatus.RENDERING).update(
        status=DocumentStatus.READY,
        file_name=file_name,
        file_size=target.stat().st_size,
        page_count=pages,
        progress_done=document.progress_total,
        rendered_at=timezone.now(),
        duration_seconds=round(time.monotonic() - started, 3),
        failure_reason="",
    )
    document.refresh_from_db()
    document_prune_superseded(document=document)
    return document


def _finish(document: PrintedDocument, *, status: str, reason: str) -> None:
    PrintedDocument.objects.filter(pk=document.pk).update(
        status=status, failure_reason=reason, rendered_at=timezone.now()
    )
    document.refresh_from_db()


def document_prune_superseded(*, document: PrintedDocument) -> int:
    """Once a newer document of the same subject is ready, the older files are deleted (their
    data is no longer current; anyone asking gets the new one). Rows stay as the print history."""
    older = PrintedDocument.objects.filter(
        kind=document.kind, key=document.key, pk__lt=document.pk
    ).exclude(file_name="")
    removed = 0
    for old in older:
        document_path(old).unlink(missing_ok=True)
        removed += PrintedDocument.objects.filter(pk=old.pk).update(
            file_name="", file_size=0, status=DocumentStatus.STALE
        )
    return removed
