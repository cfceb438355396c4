"""Celery entry points of the plans app.

Notices and their e-mails moved to the one inbox (accounts.inbox, accounts.jobs). This name stays
for one release so e-mail jobs queued before the upgrade still run; it delegates."""

from __future__ import annotations

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_job(notification_ids: list[int]) -> int:
    from accounts.jobs import notification_email_job as inbox_email_job

    return inbox_email_job(notification_ids)
