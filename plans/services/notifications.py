"""In-platform notices, with an e-mail copy sent by a job after the commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from plans.models import Notification


def notify(
    *, recipients: Iterable[User], title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one notification per recipient (in the caller's transaction) and queue their
    e-mails for after the commit, so a rolled-back change never mails anyone."""
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title, body=body, url=url) for user in recipients]
    )
    ids = [notification.pk for notification in notifications]
    if ids:
        from plans.jobs import notification_email_job

        transaction.on_commit(lambda: notification_email_job.delay(ids))
    return notifications


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValidationError(_("只能处理自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
