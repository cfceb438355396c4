"""API of the inspection-object registry. Thin: parse, access, one service, serialise."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Page
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from platform_site.api import ActionApi, call_service
from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.objects import services
from registries.objects.api.serializers import (
    ClaimInputSerializer,
    ClaimResultSerializer,
    DisputeOutputSerializer,
    FlagClearInputSerializer,
    FlagSetInputSerializer,
    ObjectChangeOutputSerializer,
    ObjectCreateInputSerializer,
    ObjectDetailOutputSerializer,
    ObjectListOutputSerializer,
    ObjectUpdateInputSerializer,
    ReleaseInputSerializer,
    ResolveInputSerializer,
    UsccResultSerializer,
    UsccValidateInputSerializer,
)
from registries.objects.exports import export_response
from registries.objects.filters import ObjectFilter
from registries.objects.selectors import (
    COUNT_CAP,
    CappedPaginator,
    claim_lookup,
    disputed_claims,
    object_page,
    object_search,
)
from registries.permissions import (
    IsRegistryOffice,
    IsRegistryUser,
    access_dispute_for_user,
    access_object_for_user,
    can_edit_registry,
)
from registries.uscc import validate_uscc

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def object_page_or_404(search, number, page_size):
    """object_page, but a page beyond the end is an error rather than the last page."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("无效页码。") from None
    page = object_page(search, page=number, page_size=page_size)
    if page.number != number:
        raise EmptyPage
    return page


class CappedPagination(PageNumberPagination):
    """Page-number pagination whose count stops at COUNT_CAP (count_capped says there are more)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 500

    def django_paginator_class(self, object_list, per_page):  # type: ignore[override]
        return CappedPaginator(object_list, per_page)

    def get_paginated_response(self, data: Any) -> Response:
        page = cast(Page, self.page)  # set before DRF asks for the response
        paginator = cast(CappedPaginator, page.paginator)
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when more than {COUNT_CAP} objects match (count stops there)",
        }
        return response


class ObjectListApi(ListAPIView):
    """Objects the user may see, filtered like the list page (and read the same way: see
    registries.objects.selectors.CappedPaginator)."""

    serializer_class = ObjectListOutputSerializer
    permission_classes = [IsRegistryUser]
    pagination_class = CappedPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ObjectFilter
    queryset = InspectionObject.objects.none()

    def list(self, request, *args, **kwargs):
        search = object_search(request.user, request.query_params)
        if search.filterset.is_bound and not search.filterset.is_valid():
            raise ValidationError(search.filterset.errors)
        pagination = cast(CappedPagination, self.paginator)
        page_size = pagination.get_page_size(request)
        try:
            page = object_page_or_404(search, request.query_params.get("page", 1), page_size)
        except EmptyPage:
            raise NotFound("无效页码。") from None
        pagination.page, pagination.request = page, request
        return pagination.get_paginated_response(
            self.get_serializer(page.object_list, many=True).data
        )


class ObjectCreateApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(
        request=ObjectCreateInputSerializer, responses={201: ObjectDetailOutputSerializer}
    )
    def post(self, request):
        if not can_edit_registry(request.user):
            raise Http404
        data = ObjectCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        codes = values.pop("supervising_departments", [])
        departments = list(Department.objects.filter(code__in=[code.upper() for code in codes]))
        if len(departments) != len(set(codes)):
            raise ValidationError({"supervising_departments": ["未知的部门代码。"]})
        inspection_object = call_service(
            services.object_create,
            created_by=request.user,
            supervising_departments=departments,
            **values,
        )
        return Response(
            ObjectDetailOutputSerializer(inspection_object).data, status=status.HTTP_201_CREATED
        )


class ObjectDetailApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(responses=ObjectDetailOutputSerializer)
    def get(self, request, object_id: int):
        inspection_object = access_object_for_user(request.user, object_id)
        return Response(ObjectDetailOutputSerializer(inspection_object).data)


# An action on an object the user may change, answered with the object's details.
class _ObjectActionApi(ActionApi):
    permission_classes = [IsRegistryUser]
    output_serializer = ObjectDetailOutputSerializer

    def get_targets(self, request, object_id: int):
        return {
            "inspection_object": access_object_for_user(request.user, object_id, for_change=True)
        }


class ObjectUpdateApi(_ObjectActionApi):
    service = staticmethod(services.object_update)
    actor_kwarg = "updated_by"
    input_serializer = ObjectUpdateInputSerializer

    def service_kwargs(self, data):
        return {"source": "api", **data}


class ObjectHistoryApi(ListAPIView):
    """The object's change history, newest first."""

    serializer_class = ObjectChangeOutputSerializer
    permission_classes = [IsRegistryUser]
    queryset = ObjectChange.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        inspection_object = access_object_for_user(self.request.user, self.kwargs["object_id"])
        return (
            ObjectChange.objects.filter(inspection_object=inspection_object)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")
        )


class ObjectFlagSetApi(_ObjectActionApi):
    service = staticmethod(services.object_set_flag)
    actor_kwarg = "set_by"
    input_serializer = FlagSetInputSerializer

    def service_kwargs(self, data):
        return {"flag": data["special_list"], "since": data["since"], "source": data["source"]}


class ObjectFlagClearApi(_ObjectActionApi):
    service = staticmethod(services.object_clear_flag)
    actor_kwarg = "cleared_by"
    input_serializer = FlagClearInputSerializer

    def service_kwargs(self, data):
        return {"flag": data["special_list"], "reason": data["reason"]}


class ObjectClaimApi(APIView):
    """Claim objects by code (a department may not browse objects it does not supervise yet)."""

    permission_classes = [IsRegistryUser]

    @extend_schema(request=ClaimInputSerializer, responses=ClaimResultSerializer(many=True))
    def post(self, request):
        if not can_edit_registry(request.user) or request.user.is_office_admin:
            raise Http404
        data = ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = list(dict.fromkeys(code.strip().upper() for code in data.validated_data["codes"]))
        found = claim_lookup(codes)
        results = []
        for code in codes:
            inspection_object = found.get(code)
            if inspection_object is None:
                results.append(
                    {"code": code, "object_id": None, "outcome": "not_found", "message": ""}
                )
                continue
            try:
                supervision = services.object_claim(
                    inspection_object=inspection_object, claimed_by=request.user
                )
            except (DjangoValidationError, DjangoPermissionDenied) as error:
                message = " ".join(getattr(error, "messages", [str(error)]))
                results.append(
                    {"code": code, "object_id": None, "outcome": "error", "message": message}
                )
            else:
                results.append(
                    {
                        "code": code,
                        "object_id": inspection_object.pk,
                        "outcome": supervision.status,
                        "message": "",
                    }
                )
        return Response(ClaimResultSerializer(results, many=True).data)


class ObjectReleaseApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(
        request=ReleaseInputSerializer, responses={204: OpenApiResponse(description="released")}
    )
    def post(self, request, object_id: int):
        inspection_object = access_object_for_user(request.user, object_id, for_change=True)
        data = ReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = request.user.department
        code = data.validated_data.get("department")
        if code and request.user.is_office_admin:
            department = get_object_or_404(Department, code=code.upper())
        call_service(
            services.object_release,
            inspection_object=inspection_object,
            department=department,
            released_by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DisputeListApi(ListAPIView):
    """Disputed claims waiting for the office."""

    serializer_class = DisputeOutputSerializer
    permission_classes = [IsRegistryOffice]
    queryset = ObjectSupervision.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return disputed_claims()


class DisputeResolveApi(APIView):
    permission_classes = [IsRegistryOffice]

    @extend_schema(
        request=ResolveInputSerializer,
        responses={
            200: OpenApiResponse(description="resolved"),
            404: OpenApiResponse(description="not found"),
        },
    )
    def post(self, request, supervision_id: int):
        supervision = access_dispute_for_user(request.user, supervision_id)
        data = ResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kept = call_service(
            services.object_resolve_claim,
            supervision=supervision,
            resolved_by=request.user,
            **data.validated_data,
        )
        return Response({"decision": data.validated_data["decision"], "kept": kept is not None})


class ObjectExportApi(GenericAPIView):
    """The filtered list as CSV (UTF-8 with BOM) or XLSX; takes the list's filters."""

    permission_classes = [IsRegistryUser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ObjectFilter
    queryset = InspectionObject.objects.none()
    pagination_class = None

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_TYPE): OpenApiTypes.BINARY,
        },
        filters=True,
    )
    def get(self, request, export_format: str):
        if export_format not in ("csv", "xlsx"):
            raise Http404
        search = object_search(request.user, request.query_params)
        if search.filterset.is_bound and not search.filterset.is_valid():
            raise ValidationError(search.filterset.errors)
        return export_response(search.queryset, export_format)


class UsccValidateApi(APIView):
    """Check unified social credit codes (GB 32100-2015); one result per code, in order."""

    permission_classes = [IsRegistryUser]

    @extend_schema(
        request=UsccValidateInputSerializer,
        responses=UsccResultSerializer(many=True),
    )
    def post(self, request):
        data = UsccValidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = []
        for code in data.validated_data["codes"]:
            check = validate_uscc(code)
            results.append(
                {
                    "code": check.code,
                    "valid": check.valid,
                    "reason": check.reason,
                    "expected_check": check.expected_check,
                    "position": check.position,
                    "character": check.character,
                    "message": "" if check.valid else services.uscc_error_message(check),
                }
            )
        return Response(UsccResultSerializer(results, many=True).data)
