from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Notification
from accounts.types import RequestUser


def access_notification_for_user(user: RequestUser, notification_id: int) -> Notification:
    """A notice is its recipient's alone: anyone else gets the same 404 as for a missing one."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Notification, pk=notification_id, recipient=user)
