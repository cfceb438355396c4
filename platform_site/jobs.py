import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Beat runs this every 30 s; the status page reads the timestamp to tell whether beat is alive."""
    cache.set(settings.BEAT_HEARTBEAT_KEY, time.time(), timeout=None)


@shared_task
def ping(value: str) -> str:
    """Round trip through a real worker, used by the status page and the worker-path test."""
    return f"pong:{value}"


@shared_task(acks_late=True, max_retries=2, default_retry_delay=30)
def document_render_job(kind: str, params: dict, fingerprint: str) -> dict | None:
    """Render one printable document. Idempotent: the render is claimed with an atomic SET NX and
    a rendered file is never rendered again, so a second delivery does nothing."""
    from platform_site.documents import document_render

    document = document_render(kind_name=kind, params=params, fingerprint=fingerprint)
    if document is None:
        return None
    return {"id": document.id, "status": document.status, "pages": document.page_count}


@shared_task(name="platform_site.jobs.read_table_job", soft_time_limit=60, time_limit=90)
def read_table_job(name: str, file_format: str, max_rows: int) -> dict:
    """Read a stored upload as a table in the worker (see platform_site.uploads.read_in_worker)."""
    from platform_site.uploads import read_table_rows, reading_outcome, staged_path

    return reading_outcome(
        lambda: read_table_rows(staged_path(name), file_format, max_rows=max_rows)
    )
