"""Small pieces shared by every app's API views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_site.exports import EXPORT_FORMATS, XLSX_CONTENT_TYPE


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


# One POST action on one object, the shape of most of the API: find the object through its
# access function (``get_targets``), validate ``input_serializer``, call one ``service`` with the
# object, the acting user as ``actor_kwarg`` and the validated data (through :func:`call_service`),
# and answer with ``output_serializer`` of what the service returned.
#
# A subclass names those four; its schema (request and response) follows from them, so it needs no
# ``post`` of its own. Role checks that precede the lookup go first in ``get_targets``.
#
# (A comment, not a docstring: drf-spectacular would show a docstring as every action's description.)
class ActionApi(APIView):
    permission_classes = [IsAuthenticated]
    input_serializer: type[serializers.BaseSerializer] | None = None
    output_serializer: type[serializers.BaseSerializer]
    service: Callable[..., Any]
    actor_kwarg: str
    bad_input: tuple[type[Exception], ...] = ()
    success_status: int = 200

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if hasattr(cls, "output_serializer"):
            extend_schema(
                request=cls.input_serializer, responses={cls.success_status: cls.output_serializer}
            )(cls)

    def get_targets(self, request: Any, *args: Any, **url_kwargs: Any) -> dict[str, Any]:
        """The service's keyword arguments naming the object(s) acted on."""
        raise NotImplementedError

    def service_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        """The validated input as the service's keyword arguments."""
        return data

    def respond(self, request: Request, result: Any, targets: dict[str, Any]) -> Response:
        serializer = self.output_serializer(result, context={"user": request.user})
        return Response(serializer.data, status=self.success_status)

    def post(self, request: Request, **url_kwargs: Any) -> Response:
        targets = self.get_targets(request, **url_kwargs)
        data: dict[str, Any] = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        result = call_service(
            type(self).service,
            bad_input=self.bad_input,
            **targets,
            **{self.actor_kwarg: request.user},
            **self.service_kwargs(data),
        )
        return self.respond(request, result, targets)


# A list's download beside its page (`?format=csv` there, `…/export/csv/` here): the filtered rows
# (``rows``, through the view's filterset when it names one) as a file from ``export``. An unknown format is a 404.
# The schema (file types, filters, ``export_parameters``) follows from the class attributes.
class ExportApi(GenericAPIView):
    pagination_class = None
    export_formats: tuple[str, ...] = EXPORT_FORMATS
    export_parameters: list[OpenApiParameter] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        types = {"csv": "text/csv", "xlsx": XLSX_CONTENT_TYPE}
        extend_schema(
            responses={(200, types[name]): OpenApiTypes.BINARY for name in cls.export_formats},
            parameters=cls.export_parameters or None,
            filters=getattr(cls, "filterset_class", None) is not None,
        )(cls)

    def rows(self, request: Any, *args: Any, **url_kwargs: Any) -> Any:
        """The list, narrowed to the user (the view's filterset applies after)."""
        raise NotImplementedError

    def get(self, request: Request, export_format: str, **url_kwargs: Any) -> HttpResponseBase:
        if export_format not in self.export_formats:
            raise NotFound
        rows = self.rows(request, **url_kwargs)
        if getattr(self, "filterset_class", None) is not None:
            rows = self.filter_queryset(rows)
        return self.export(rows, export_format)

    def export(self, rows: Any, export_format: str) -> HttpResponseBase:
        """The rows as a file: the app's function over platform_site.exports.table_response."""
        raise NotImplementedError
