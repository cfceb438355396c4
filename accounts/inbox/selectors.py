"""Reads of the inbox, always narrowed to the acting user: nobody reads another's notices."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Notification
from accounts.types import RequestUser


def notification_list_for(
    user: RequestUser, *, unread_only: bool = False, severity: str = ""
) -> QuerySet[Notification]:
    """The user's own notices, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(recipient=user).select_related("department")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    if severity:
        notifications = notifications.filter(severity=severity)
    return notifications.order_by("-created_at", "-pk")


def notification_unread_count(user: RequestUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
