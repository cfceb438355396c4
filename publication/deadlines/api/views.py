"""Deadline API (/api/v1/deadlines/): a department lists its own deadlines, the office every
department's; the office edits the rules."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, User
from accounts.permissions import IsOfficeAdmin
from platform_site.api import call_service
from publication.deadlines.permissions import access_deadline_for_user
from publication.deadlines.selectors import deadline_list_visible_to
from publication.deadlines.services import deadline_rule_update
from publication.models import Deadline, DeadlineKind, DeadlineRule, DeadlineState


class DeadlineOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    subject_type = serializers.SerializerMethodField()
    card = serializers.SerializerMethodField()
    responsible = serializers.SlugRelatedField[User](
        slug_field="username", many=True, read_only=True
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "department",
            "title",
            "url",
            "start_date",
            "working_days",
            "fixed_due_date",
            "due_date",
            "due_soon_from",
            "uses_fallback",
            "state",
            "card",
            "responsible",
            "opened_at",
            "closed_on",
            "closed_at",
            "close_note",
            "reminder_count",
            "escalated_at",
        ]
        read_only_fields = fields

    def get_subject_type(self, deadline: Deadline) -> str:
        return f"{deadline.subject_type.app_label}.{deadline.subject_type.model}"

    def get_card(self, deadline: Deadline) -> str:
        """red: overdue; yellow: due soon; empty otherwise."""
        return deadline.card


class DeadlineListApi(ListAPIView):
    serializer_class = DeadlineOutputSerializer
    queryset = Deadline.objects.none()

    class DeadlineFilterSerializer(serializers.Serializer):
        department = serializers.SlugRelatedField[Department](
            slug_field="code", queryset=Department.objects.all(), required=False
        )
        state = serializers.ChoiceField(choices=DeadlineState.choices, required=False)
        kind = serializers.ChoiceField(choices=DeadlineKind.choices, required=False)
        overdue = serializers.BooleanField(required=False, default=False)
        open = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description="部门代码"),
            OpenApiParameter("state", OpenApiTypes.STR, enum=DeadlineState.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=DeadlineKind.values),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="只列已逾期"),
            OpenApiParameter("open", OpenApiTypes.BOOL, description="只列进行中"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        filters = self.DeadlineFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        # A department filter only narrows what the user may see: a department asking for
        # another's deadlines gets an empty list, never theirs.
        return deadline_list_visible_to(
            self.request.user,
            department=data.get("department"),
            state=data.get("state", ""),
            kind=data.get("kind", ""),
            overdue=data["overdue"],
            open_only=data["open"],
        ).prefetch_related("responsible")


class DeadlineDetailApi(APIView):
    @extend_schema(responses=DeadlineOutputSerializer)
    def get(self, request, deadline_id: int):
        deadline = access_deadline_for_user(request.user, deadline_id)
        return Response(DeadlineOutputSerializer(deadline).data)


class DeadlineRuleOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = [
            "kind",
            "working_days",
            "due_soon_working_days",
            "remind_every_working_days",
            "escalate_overdue",
            "updated_at",
        ]
        read_only_fields = fields


class DeadlineRuleListApi(ListAPIView):
    serializer_class = DeadlineRuleOutputSerializer
    queryset = DeadlineRule.objects.none()
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return DeadlineRule.objects.order_by("kind")


class DeadlineRuleUpdateApi(APIView):
    permission_classes = [IsOfficeAdmin]

    class DeadlineRuleInputSerializer(serializers.Serializer):
        working_days = serializers.IntegerField(min_value=1, max_value=250)
        due_soon_working_days = serializers.IntegerField(min_value=0, max_value=250)
        remind_every_working_days = serializers.IntegerField(min_value=0, max_value=250, default=0)
        escalate_overdue = serializers.BooleanField(default=True)

    @extend_schema(request=DeadlineRuleInputSerializer, responses=DeadlineRuleOutputSerializer)
    def post(self, request, kind: str):
        if kind not in DeadlineKind.values:
            from django.http import Http404

            raise Http404
        data = self.DeadlineRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule = call_service(
            deadline_rule_update, kind=kind, updated_by=request.user, **data.validated_data
        )
        return Response(DeadlineRuleOutputSerializer(rule).data)
