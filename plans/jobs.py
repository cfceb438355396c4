"""Celery entry points of the plans app."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from plans.models import Notification


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_job(notification_ids: list[int]) -> int:
    """E-mail copies of notifications. Idempotent: each notification is claimed with a
    conditional UPDATE (emailed_at IS NULL), so a repeat run or a second worker sends nothing
    twice. Returns how many mails this run sent."""
    sent = 0
    for notification_id in notification_ids:
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed != 1:
            continue
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        if not notification.recipient.email:
            continue
        base_url = getattr(settings, "SITE_URL", "").rstrip("/")
        body = f"{notification.body}\n\n{base_url}{notification.url}".strip()
        send_mail(notification.title, body, None, [notification.recipient.email])
        sent += 1
    return sent
