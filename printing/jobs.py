"""Celery entry points of the printing app."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=2, default_retry_delay=30)
def document_render_job(document_id: int) -> dict | None:
    """Render one queued document. Idempotent: the service claims the row with a conditional
    UPDATE, so a second delivery (or a second worker) does nothing."""
    from printing.services import document_render

    document = document_render(document_id=document_id)
    if document is None:
        return None
    return {"id": document.pk, "status": document.status, "pages": document.page_count}
