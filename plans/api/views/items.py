"""A department's plan items, and the live estimate of a draft item."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.models import Matter
from plans import services
from plans.api.serializers import (
    PlanItemOutputSerializer,
)
from plans.exports import plan_item_export_response
from plans.filters import PlanItemFilter
from plans.models import (
    PlanItem,
)
from plans.permissions import (
    IsPlanEditor,
    access_plan_item_for_user,
    access_plan_year_for_user,
    can_manage_plans,
)
from plans.scoping import estimate_scope, format_bp, item_cap_bp, peak_season_warnings
from plans.selectors import (
    plan_item_list_visible_to,
)
from platform_site.api import ActionApi, ExportApi, call_service
from registries.scopes import ScopeError, clean_scope, describe_scope


class PlanItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    matters = serializers.SlugRelatedField(
        slug_field="code", queryset=Matter.objects.all(), many=True
    )
    participating_departments = serializers.SlugRelatedField[Department](
        slug_field="code",
        queryset=Department.objects.filter(kind=DepartmentKind.DEPARTMENT),
        many=True,
        required=False,
    )
    scope = serializers.DictField(required=False, default=dict)
    directed = serializers.BooleanField(default=False)
    ratios = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=10000))
    window_start_month = serializers.IntegerField(min_value=1, max_value=12)
    window_end_month = serializers.IntegerField(min_value=1, max_value=12)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlanItemListApi(ListAPIView):
    serializer_class = PlanItemOutputSerializer
    queryset = PlanItem.objects.none()
    filterset_class = PlanItemFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        plan_year = access_plan_year_for_user(self.request.user, self.kwargs["year"])
        return plan_item_list_visible_to(self.request.user, plan_year)


class PlanItemExportApi(ExportApi):
    """A plan year's filtered items as CSV (UTF-8 with BOM) or XLSX; takes the list's filters."""

    filterset_class = PlanItemFilter
    queryset = PlanItem.objects.none()

    def rows(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        return plan_item_list_visible_to(request.user, plan_year)

    def export(self, rows, export_format: str):
        year = self.kwargs["year"]
        return plan_item_export_response(rows, year=year, export_format=export_format)


class PlanItemCreateApi(APIView):
    permission_classes = [IsPlanEditor]

    class PlanItemCreateInputSerializer(PlanItemInputSerializer):
        department = serializers.SlugRelatedField[Department](
            slug_field="code",
            queryset=Department.objects.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="Office admins only; department users always create for their own department.",
        )

    @extend_schema(request=PlanItemCreateInputSerializer, responses={201: PlanItemOutputSerializer})
    def post(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        data = self.PlanItemCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = dict(data.validated_data)
        department = payload.pop("department", None)
        if not can_manage_plans(request.user) or department is None:
            department = request.user.department
        item = call_service(
            services.plan_item_create,
            plan_year=plan_year,
            department=department,
            created_by=request.user,
            **payload,
        )
        return Response(PlanItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanItemDetailApi(APIView):
    @extend_schema(responses=PlanItemOutputSerializer)
    def get(self, request, item_id: int):
        return Response(
            PlanItemOutputSerializer(access_plan_item_for_user(request.user, item_id)).data
        )


class PlanItemUpdateApi(ActionApi):
    permission_classes = [IsPlanEditor]
    service = services.plan_item_update
    actor_kwarg = "updated_by"
    input_serializer = PlanItemInputSerializer
    output_serializer = PlanItemOutputSerializer

    def get_targets(self, request, item_id: int):
        return {"item": access_plan_item_for_user(request.user, item_id, change=True)}


class PlanItemDeleteApi(APIView):
    permission_classes = [IsPlanEditor]

    class PlanItemDeleteOutputSerializer(serializers.Serializer):
        deleted = serializers.BooleanField()
        withdrawn = serializers.BooleanField()

    @extend_schema(request=None, responses=PlanItemDeleteOutputSerializer)
    def post(self, request, item_id: int):
        item = access_plan_item_for_user(request.user, item_id, change=True)
        withdrawn = call_service(services.plan_item_delete, item=item, deleted_by=request.user)
        return Response({"deleted": withdrawn is None, "withdrawn": withdrawn is not None})


class PlanItemEstimateApi(APIView):
    """Live numbers for an item being drafted: objects in scope, expected draws per credit class
    (ceil(n·rate) + special-list objects), the ratio cap and peak-season warnings."""

    permission_classes = [IsPlanEditor]

    class PlanItemEstimateInputSerializer(serializers.Serializer):
        matters = serializers.SlugRelatedField(
            slug_field="code", queryset=Matter.objects.all(), many=True, required=False
        )
        scope = serializers.DictField(required=False, default=dict)
        ratios = serializers.DictField(
            child=serializers.IntegerField(min_value=0, max_value=10000),
            required=False,
            default=dict,
        )
        window_start_month = serializers.IntegerField(min_value=1, max_value=12, required=False)
        window_end_month = serializers.IntegerField(min_value=1, max_value=12, required=False)

    class PlanItemEstimateOutputSerializer(serializers.Serializer):
        total = serializers.IntegerField()
        must = serializers.IntegerField()
        expected = serializers.IntegerField()
        market_total = serializers.IntegerField()
        market_expected = serializers.IntegerField()
        classes = serializers.ListField(child=serializers.DictField())
        cap_bp = serializers.IntegerField()
        cap_label = serializers.CharField()
        over_cap = serializers.ListField(child=serializers.CharField())
        scope_text = serializers.CharField()
        peak_warnings = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        request=PlanItemEstimateInputSerializer, responses=PlanItemEstimateOutputSerializer
    )
    def post(self, request, year: int):
        access_plan_year_for_user(request.user, year)
        data = self.PlanItemEstimateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            scope = clean_scope(values["scope"])
        except ScopeError as error:
            raise serializers.ValidationError({"scope": str(error)}) from None
        cap = item_cap_bp(values.get("matters") or [])
        # The class the user's department's draws stratify by (its fused class).
        estimate = estimate_scope(scope, values["ratios"], department_id=request.user.department_id)
        start, end = values.get("window_start_month"), values.get("window_end_month")
        warnings = peak_season_warnings(scope, start, end) if start and end and start <= end else []
        body = estimate.as_dict() | {
            "cap_bp": cap,
            "cap_label": format_bp(cap),
            "over_cap": sorted(cls for cls, value in values["ratios"].items() if value > cap),
            "scope_text": describe_scope(scope),
            "peak_warnings": [warning.message for warning in warnings],
        }
        return Response(body)
