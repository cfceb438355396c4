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
