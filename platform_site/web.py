"""Service errors on server-rendered pages: a ValidationError or PermissionDenied raised by a
service becomes messages (after a redirect) or form errors (when the form is shown again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def errors_to_messages(request, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("无权执行此操作。"))


def errors_to_form(form, error: ValidationError) -> None:
    """Field errors on their fields (others on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def denial_or_errors_to_form(form, error: ValidationError | PermissionDenied) -> None:
    """As :func:`errors_to_form`, and a refusal becomes an error of the whole form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("无权执行此操作。"))
    else:
        errors_to_form(form, error)


def service_to_messages(
    request, service: Callable[..., Any], success: str, /, **kwargs: Any
) -> bool:
    """Call `service(**kwargs)` for a page that redirects afterwards: `success` as its message,
    or the service's refusal as error messages. Whether it succeeded."""
    try:
        service(**kwargs)
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        return False
    messages.success(request, success)
    return True


def posted_form_to_service(
    request,
    form: forms.Form,
    service: Callable[..., Any],
    success: str,
    /,
    *,
    invalid: str | None = None,
    **kwargs: Any,
) -> bool:
    """A posted action form of a page that redirects afterwards: when valid, the service with
    `kwargs` and the form's cleaned data (:func:`service_to_messages`); else the form's errors as
    messages, or the one message `invalid`. Whether the service succeeded."""
    if not form.is_valid():
        if invalid is None:
            form_errors_to_messages(request, form)
        else:
            messages.error(request, invalid)
        return False
    return service_to_messages(request, service, success, **kwargs, **form.cleaned_data)
