"""Small pieces shared by every app's API views."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import PermissionDenied, ValidationError


def call_service(function, *, bad_input: tuple[type[Exception], ...] = (), **kwargs):
    """Run a service and turn Django's validation and permission errors into DRF's (400 / 403).

    `bad_input` names further exception types whose (translated) message is a 400 for the client.
    """
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from None
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error)) from None
    except bad_input as error:
        raise ValidationError([str(error)]) from None
