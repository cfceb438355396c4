"""The inbox page: the user's own notices as cards (yellow: due soon, red: overdue)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import NotificationSeverity
from accounts.inbox import services
from accounts.inbox.permissions import access_notification_for_user
from accounts.inbox.selectors import notification_list_for, notification_unread_count

PAGE_SIZE = 30


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    severity = request.GET.get("severity", "")
    if severity not in NotificationSeverity.values:
        severity = ""
    notifications = notification_list_for(request.user, unread_only=unread_only, severity=severity)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "severity": severity,
            "severities": NotificationSeverity.choices,
            "unread_total": notification_unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = access_notification_for_user(request.user, notification_id)
    services.notification_mark_read(notification=notification, user=request.user)
    if (
        request.POST.get("follow")
        and notification.url
        and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None)
    ):
        return redirect(notification.url)
    return redirect("accounts:inbox")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return redirect("accounts:inbox")
