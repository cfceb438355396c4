"""A user's plan notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plans import services
from plans.permissions import (
    access_notification_for_user,
)
from plans.selectors import (
    notifications_for,
)


@login_required
def notification_list(request):
    return render(
        request,
        "plans/notification_list.html",
        {"notifications": notifications_for(request.user, unread_only=False)[:100]},
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = access_notification_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification, user=request.user)
    if notification.url and request.POST.get("follow"):
        return redirect(notification.url)
    return redirect("plans:notification_list")
