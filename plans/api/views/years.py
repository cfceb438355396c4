"""Plan years: list, read, open, the office's year actions (compile ... publish) and indicators."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import services
from plans.api.serializers import (
    PlanVersionOutputSerializer,
    PlanYearOutputSerializer,
)
from plans.api.views._common import CommentInputSerializer, ReasonInputSerializer
from plans.indicators import compute_indicators
from plans.models import (
    PlanYear,
)
from plans.permissions import (
    IsPlanManager,
    access_plan_year_for_user,
)
from plans.selectors import (
    plan_year_list,
)
from platform_site.api import call_service


class _Empty(serializers.Serializer):
    pass


class PlanYearListApi(ListAPIView):
    serializer_class = PlanYearOutputSerializer
    queryset = PlanYear.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return plan_year_list()


class PlanYearDetailApi(APIView):
    @extend_schema(responses=PlanYearOutputSerializer)
    def get(self, request, year: int):
        return Response(
            PlanYearOutputSerializer(access_plan_year_for_user(request.user, year)).data
        )


class PlanYearOpenApi(APIView):
    permission_classes = [IsPlanManager]

    class PlanYearOpenInputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        submission_deadline = serializers.DateField(required=False, allow_null=True, default=None)
        approval_deadline = serializers.DateField(required=False, allow_null=True, default=None)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=PlanYearOpenInputSerializer, responses={201: PlanYearOutputSerializer})
    def post(self, request):
        data = self.PlanYearOpenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan_year = call_service(
            services.plan_year_open, opened_by=request.user, **data.validated_data
        )
        return Response(PlanYearOutputSerializer(plan_year).data, status=status.HTTP_201_CREATED)


def _year_action(service, response_serializer, **names):
    """Build a POST endpoint that runs one plan-year service for an office admin."""

    class YearActionApi(APIView):
        permission_classes = [IsPlanManager]
        input_serializer = names.pop("input_serializer", _Empty)

        @extend_schema(
            request=input_serializer if input_serializer is not _Empty else None,
            responses=response_serializer,
        )
        def post(self, request, year: int):
            plan_year = access_plan_year_for_user(request.user, year)
            data = self.input_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            result = call_service(
                service,
                plan_year=plan_year,
                **{names["actor"]: request.user},
                **data.validated_data,
            )
            return Response(response_serializer(result).data)

    return YearActionApi


# mypy cannot follow a base class built by a call (each is an APIView subclass).
class PlanCompileApi(
    _year_action(services.plan_compile, PlanYearOutputSerializer, actor="compiled_by")  # type: ignore[misc]
):
    """Close the collection, open draft version 1 and propose merges."""


class PlanSubmitForApprovalApi(
    _year_action(services.plan_submit_for_approval, PlanYearOutputSerializer, actor="submitted_by")  # type: ignore[misc]
):
    """Send the compiled plan (or the adjustment) to approval."""


class PlanApproveApi(
    _year_action(  # type: ignore[misc]
        services.plan_approve,
        PlanVersionOutputSerializer,
        actor="approved_by",
        input_serializer=CommentInputSerializer,
    )
):
    """Approve the pending plan: freezes the version."""


class PlanReturnApi(
    _year_action(  # type: ignore[misc]
        services.plan_return,
        PlanYearOutputSerializer,
        actor="returned_by",
        input_serializer=CommentInputSerializer,
    )
):
    """Return the pending plan for rework with a comment."""


class PlanPublishApi(
    _year_action(services.plan_publish, PlanVersionOutputSerializer, actor="published_by")  # type: ignore[misc]
):
    """Publish the approved version on the public site."""


class PlanAdjustStartApi(
    _year_action(  # type: ignore[misc]
        services.plan_adjust_start,
        PlanVersionOutputSerializer,
        actor="by",
        input_serializer=ReasonInputSerializer,
    )
):
    """Start an adjustment: a new draft version with its reason."""


class PlanIndicatorsApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        return Response(compute_indicators(plan_year).as_dict())
