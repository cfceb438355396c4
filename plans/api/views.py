"""The plans API: thin views named <Entity><Action>Api, each calling one service."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.models import Matter
from plans import services
from plans.api.serializers import (
    DepartmentSubmissionOutputSerializer,
    MergeProposalOutputSerializer,
    PeakSeasonOutputSerializer,
    PlanItemOutputSerializer,
    PlanVersionDetailOutputSerializer,
    PlanVersionOutputSerializer,
    PlanYearOutputSerializer,
)
from plans.filters import PlanItemFilter
from plans.indicators import compute_indicators
from plans.models import (
    DepartmentSubmission,
    MergeProposal,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
)
from plans.permissions import (
    IsPlanEditor,
    IsPlanManager,
    access_merge_proposal_for_user,
    access_peak_season_for_user,
    access_plan_item_for_user,
    access_plan_year_for_user,
    access_public_version,
    access_version_for_user,
    can_manage_plans,
    can_submit_department,
)
from plans.scoping import estimate_scope, format_bp, item_cap_bp, peak_season_warnings
from plans.selectors import (
    merge_proposal_list,
    peak_season_list,
    plan_item_list_visible_to,
    plan_year_list,
    public_plan_years,
    public_version_history,
    submission_list_visible_to,
    version_list_visible_to,
)
from platform_site.api import call_service
from registries.scopes import ScopeError, clean_scope, describe_scope


def _members():
    return Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True)


class _Empty(serializers.Serializer):
    pass


class CommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


# --- plan years --------------------------------------------------------------------------------


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


class PlanCompileApi(
    _year_action(services.plan_compile, PlanYearOutputSerializer, actor="compiled_by")
):
    """Close the collection, open draft version 1 and propose merges."""


class PlanSubmitForApprovalApi(
    _year_action(services.plan_submit_for_approval, PlanYearOutputSerializer, actor="submitted_by")
):
    """Send the compiled plan (or the adjustment) to approval."""


class PlanApproveApi(
    _year_action(
        services.plan_approve,
        PlanVersionOutputSerializer,
        actor="approved_by",
        input_serializer=CommentInputSerializer,
    )
):
    """Approve the pending plan: freezes the version."""


class PlanReturnApi(
    _year_action(
        services.plan_return,
        PlanYearOutputSerializer,
        actor="returned_by",
        input_serializer=CommentInputSerializer,
    )
):
    """Return the pending plan for rework with a comment."""


class PlanPublishApi(
    _year_action(services.plan_publish, PlanVersionOutputSerializer, actor="published_by")
):
    """Publish the approved version on the public site."""


class PlanAdjustStartApi(
    _year_action(
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


# --- items -------------------------------------------------------------------------------------


class PlanItemInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    matters = serializers.SlugRelatedField(
        slug_field="code", queryset=Matter.objects.all(), many=True
    )
    participating_departments = serializers.SlugRelatedField(
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


class PlanItemCreateApi(APIView):
    permission_classes = [IsPlanEditor]

    class PlanItemCreateInputSerializer(PlanItemInputSerializer):
        department = serializers.SlugRelatedField(
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


class PlanItemUpdateApi(APIView):
    permission_classes = [IsPlanEditor]

    @extend_schema(request=PlanItemInputSerializer, responses=PlanItemOutputSerializer)
    def post(self, request, item_id: int):
        item = access_plan_item_for_user(request.user, item_id, change=True)
        data = PlanItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = call_service(
            services.plan_item_update, item=item, updated_by=request.user, **data.validated_data
        )
        return Response(PlanItemOutputSerializer(item).data)


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
        estimate = estimate_scope(scope, values["ratios"])
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


# --- submissions -------------------------------------------------------------------------------


class DepartmentSubmissionListApi(ListAPIView):
    serializer_class = DepartmentSubmissionOutputSerializer
    queryset = DepartmentSubmission.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        plan_year = access_plan_year_for_user(self.request.user, self.kwargs["year"])
        return submission_list_visible_to(self.request.user, plan_year)


class PlanDepartmentSubmitApi(APIView):
    @extend_schema(request=None, responses=DepartmentSubmissionOutputSerializer)
    def post(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        if not can_submit_department(request.user):
            raise PermissionDenied
        submission = call_service(
            services.plan_department_submit,
            plan_year=plan_year,
            department=request.user.department,
            submitted_by=request.user,
        )
        return Response(DepartmentSubmissionOutputSerializer(submission).data)


class PlanDepartmentReturnApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=ReasonInputSerializer, responses=DepartmentSubmissionOutputSerializer)
    def post(self, request, year: int, department_id: int):
        plan_year = access_plan_year_for_user(request.user, year)
        department = get_object_or_404(_members(), pk=department_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = call_service(
            services.plan_department_return,
            plan_year=plan_year,
            department=department,
            returned_by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(DepartmentSubmissionOutputSerializer(submission).data)


# --- merges ------------------------------------------------------------------------------------


class MergeProposalListApi(ListAPIView):
    serializer_class = MergeProposalOutputSerializer
    permission_classes = [IsPlanManager]
    queryset = MergeProposal.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return merge_proposal_list(
            access_plan_year_for_user(self.request.user, self.kwargs["year"])
        )


class PlanProposeMergesApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=None, responses=MergeProposalOutputSerializer(many=True))
    def post(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        proposals = call_service(
            services.plan_propose_merges, plan_year=plan_year, proposed_by=request.user
        )
        return Response(MergeProposalOutputSerializer(proposals, many=True).data)


class MergeProposalUpdateApi(APIView):
    permission_classes = [IsPlanManager]

    class MergeProposalUpdateInputSerializer(serializers.Serializer):
        lead_department = serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.all()
        )
        window_start_month = serializers.IntegerField(min_value=1, max_value=12)
        window_end_month = serializers.IntegerField(min_value=1, max_value=12)
        items = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), many=True)

    @extend_schema(
        request=MergeProposalUpdateInputSerializer, responses=MergeProposalOutputSerializer
    )
    def post(self, request, proposal_id: int):
        proposal = access_merge_proposal_for_user(request.user, proposal_id)
        data = self.MergeProposalUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = call_service(
            services.merge_proposal_update,
            proposal=proposal,
            updated_by=request.user,
            **data.validated_data,
        )
        return Response(MergeProposalOutputSerializer(proposal).data)


class MergeProposalAcceptApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=CommentInputSerializer, responses=MergeProposalOutputSerializer)
    def post(self, request, proposal_id: int):
        proposal = access_merge_proposal_for_user(request.user, proposal_id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = call_service(
            services.merge_proposal_accept,
            proposal=proposal,
            accepted_by=request.user,
            **data.validated_data,
        )
        return Response(MergeProposalOutputSerializer(proposal).data)


class MergeProposalRejectApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=CommentInputSerializer, responses=MergeProposalOutputSerializer)
    def post(self, request, proposal_id: int):
        proposal = access_merge_proposal_for_user(request.user, proposal_id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = call_service(
            services.merge_proposal_reject,
            proposal=proposal,
            rejected_by=request.user,
            **data.validated_data,
        )
        return Response(MergeProposalOutputSerializer(proposal).data)


# --- versions ----------------------------------------------------------------------------------


class PlanVersionListApi(ListAPIView):
    serializer_class = PlanVersionOutputSerializer
    queryset = PlanVersion.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        plan_year = access_plan_year_for_user(self.request.user, self.kwargs["year"])
        return version_list_visible_to(self.request.user, plan_year).select_related("plan_year")


class PlanVersionDetailApi(APIView):
    @extend_schema(responses=PlanVersionDetailOutputSerializer)
    def get(self, request, year: int, number: int):
        plan_year = access_plan_year_for_user(request.user, year)
        version = access_version_for_user(request.user, plan_year, number)
        return Response(PlanVersionDetailOutputSerializer(version).data)


class PublicPlanListApi(ListAPIView):
    """Published plans: no account needed."""

    serializer_class = PlanVersionOutputSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = PlanVersion.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            PlanVersion.objects.filter(pk__in=public_plan_years().values("current_version"))
            .select_related("plan_year", "approved_by")
            .order_by("-plan_year__year")
        )


class PublicPlanDetailApi(APIView):
    """The current published version of a year with its change history."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class PublicPlanDetailOutputSerializer(serializers.Serializer):
        current = PlanVersionDetailOutputSerializer()
        history = PlanVersionOutputSerializer(many=True)

    @extend_schema(responses=PublicPlanDetailOutputSerializer)
    def get(self, request, year: int):
        version = access_public_version(year)
        history = public_version_history(version.plan_year).select_related(
            "plan_year", "approved_by"
        )
        return Response(
            {
                "current": PlanVersionDetailOutputSerializer(version).data,
                "history": PlanVersionOutputSerializer(history, many=True).data,
            }
        )


# --- peak seasons ---------------------------------------------------------------


class PeakSeasonInputSerializer(serializers.Serializer):
    industry_prefix = serializers.CharField(max_length=10)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PeakSeasonListApi(ListAPIView):
    serializer_class = PeakSeasonOutputSerializer
    queryset = PeakSeason.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return peak_season_list()


class PeakSeasonCreateApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=PeakSeasonInputSerializer, responses={201: PeakSeasonOutputSerializer})
    def post(self, request):
        data = PeakSeasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        season = call_service(
            services.peak_season_create, created_by=request.user, **data.validated_data
        )
        return Response(PeakSeasonOutputSerializer(season).data, status=status.HTTP_201_CREATED)


class PeakSeasonUpdateApi(APIView):
    permission_classes = [IsPlanManager]

    class PeakSeasonUpdateInputSerializer(PeakSeasonInputSerializer):
        is_active = serializers.BooleanField(default=True)

    @extend_schema(request=PeakSeasonUpdateInputSerializer, responses=PeakSeasonOutputSerializer)
    def post(self, request, season_id: int):
        season = access_peak_season_for_user(request.user, season_id)
        data = self.PeakSeasonUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        season = call_service(
            services.peak_season_update,
            season=season,
            updated_by=request.user,
            **data.validated_data,
        )
        return Response(PeakSeasonOutputSerializer(season).data)


class PeakSeasonDeleteApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, season_id: int):
        season = access_peak_season_for_user(request.user, season_id)
        call_service(services.peak_season_delete, season=season, deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
