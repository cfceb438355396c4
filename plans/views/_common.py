"""What every plan page shares: the office-only guard and service errors shown as messages or
form errors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError

from accounts.roles import page_requires
from plans.permissions import (
    can_manage_plans,
)
from platform_site.web import errors_to_form


def office_only(view):
    """Office admins only: anonymous visitors go to the login page, everyone else gets a 404."""
    return login_required(page_requires(can_manage_plans)(view))


def add_form_errors(form, error: ValidationError) -> None:
    """The shared :func:`errors_to_form`, with a plan window's errors on its start month."""
    if hasattr(error, "error_dict"):
        window_field = "window_start_month" if "window_start_month" in form.fields else "__all__"
        by_field: dict[str, list[ValidationError]] = {}
        for field, errors in error.error_dict.items():
            by_field.setdefault(window_field if field.startswith("window") else field, []).extend(
                errors
            )
        error = ValidationError(by_field)
    errors_to_form(form, error)
