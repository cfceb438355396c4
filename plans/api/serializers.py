"""Shared output serializers of the plans API. Status fields are plain strings plus a display
label, so the OpenAPI schema has no colliding "status" enums across apps."""

from rest_framework import serializers

from plans.models import (
    DepartmentSubmission,
    MergeProposal,
    PeakSeason,
    PlanItem,
    PlanVersion,
    PlanYear,
)
from plans.scoping import item_cap_bp
from registries.scopes import describe_scope


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="display_name")


class PlanYearOutputSerializer(serializers.ModelSerializer):
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    current_version = serializers.IntegerField(
        source="current_version.number", allow_null=True, default=None
    )

    class Meta:
        model = PlanYear
        fields = [
            "id",
            "year",
            "status",
            "status_display",
            "submission_deadline",
            "approval_deadline",
            "opened_at",
            "compiled_at",
            "current_version",
            "notes",
        ]


class PlanItemOutputSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year")
    department = DepartmentRefSerializer()
    participating_departments = DepartmentRefSerializer(many=True)
    matters = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    scope_text = serializers.SerializerMethodField()
    cap_bp = serializers.SerializerMethodField()
    merge_proposal = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "year",
            "title",
            "department",
            "participating_departments",
            "matters",
            "scope",
            "scope_text",
            "directed",
            "ratios",
            "cap_bp",
            "window_start_month",
            "window_end_month",
            "status",
            "status_display",
            "merge_proposal",
            "notes",
            "created_at",
            "updated_at",
        ]

    def get_matters(self, item) -> list[str]:
        return [matter.code for matter in item.matters.all()]

    def get_scope_text(self, item) -> str:
        return describe_scope(item.scope)

    def get_cap_bp(self, item) -> int:
        return item_cap_bp(item.matters.all())

    def get_merge_proposal(self, item) -> int | None:
        proposal = item.merge_proposal
        return proposal.pk if proposal is not None and proposal.status == "accepted" else None


class SubmissionEventOutputSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username")
    occurred_at = serializers.DateTimeField()
    reason = serializers.CharField()
    is_late = serializers.BooleanField()
    item_count = serializers.IntegerField()


class DepartmentSubmissionOutputSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    events = SubmissionEventOutputSerializer(many=True)

    class Meta:
        model = DepartmentSubmission
        fields = [
            "id",
            "department",
            "status",
            "status_display",
            "submitted_at",
            "is_late",
            "return_reason",
            "submission_count",
            "events",
        ]


class MergeProposalOutputSerializer(serializers.ModelSerializer):
    items = serializers.PrimaryKeyRelatedField[PlanItem](many=True, read_only=True)
    suggested_lead = DepartmentRefSerializer()
    lead_department = DepartmentRefSerializer()
    status = serializers.CharField()

    class Meta:
        model = MergeProposal
        fields = [
            "id",
            "items",
            "suggested_lead",
            "lead_department",
            "window_start_month",
            "window_end_month",
            "status",
            "basis",
            "comment",
            "decided_at",
        ]


class PlanVersionOutputSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan_year.year")
    status = serializers.CharField()
    approved_by = serializers.CharField(
        source="approved_by.full_name", allow_null=True, default=None
    )

    class Meta:
        model = PlanVersion
        fields = [
            "year",
            "number",
            "status",
            "reason",
            "approved_by",
            "approved_at",
            "comment",
            "audit_hash",
            "published_at",
            "returned_comment",
        ]


class PlanVersionDetailOutputSerializer(PlanVersionOutputSerializer):
    class Meta(PlanVersionOutputSerializer.Meta):
        fields = [*PlanVersionOutputSerializer.Meta.fields, "snapshot"]


class PeakSeasonOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeakSeason
        fields = ["id", "industry_prefix", "months", "note", "is_active"]
