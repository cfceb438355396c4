"""What every plan page shares: the office-only guard and service errors shown as messages or
form errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.roles import page_requires
from plans.permissions import (
    can_manage_plans,
)


def office_only(view):
    """Office admins only: anonymous visitors go to the login page, everyone else gets a 404."""
    return login_required(page_requires(can_manage_plans)(view))


def report_error(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("无权执行此操作。"))


def add_form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            if field.startswith("window"):
                target = "window_start_month" if "window_start_month" in form.fields else None
            form.add_error(target, errors)
    else:
        form.add_error(None, error.messages)
