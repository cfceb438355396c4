"""Serializers of the inspection API: plain inputs for the services, outputs that never carry more
than the access functions allowed (the views decide what is visible)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department
from catalog.choices import InspectionMethod
from tasks.inspections.choices import (
    AttachmentKind,
    CommissionKind,
    MeasureKind,
    ResultCategory,
)
from tasks.inspections.models import (
    Attachment,
    CombinedVisit,
    CombinedVisitPart,
    CommissionedCheck,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    MatterRecord,
    RecordAnswer,
    ResultVersion,
)

# --- outputs -------------------------------------------------------------------------------------


class ResultStateSerializer(serializers.ModelSerializer):
    """What everyone who sees the task sees of a result: its state and dates."""

    status = serializers.CharField(read_only=True)

    class Meta:
        model = InspectionResult
        fields = ["id", "status", "version", "due_on", "submitted_at", "published_at"]


class ResultVersionSerializer(serializers.ModelSerializer):
    approved_by = serializers.CharField(source="approved_by.username")

    class Meta:
        model = ResultVersion
        fields = [
            "id",
            "number",
            "reason",
            "categories",
            "completed_on",
            "content_hash",
            "approved_by",
            "approved_at",
            "retain_until",
        ]


class ResultVersionDetailSerializer(ResultVersionSerializer):
    class Meta(ResultVersionSerializer.Meta):
        fields = [*ResultVersionSerializer.Meta.fields, "content"]


class MeasureSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    notified_department = serializers.CharField(
        source="notified_department.code", allow_null=True, default=None
    )
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    inspection = serializers.IntegerField(source="result.inspection_id")
    object_name = serializers.CharField(source="result.inspection.inspection_object.name")

    class Meta:
        model = FollowUpMeasure
        fields = [
            "id",
            "inspection",
            "object_name",
            "kind",
            "department",
            "notified_department",
            "receiving_body",
            "description",
            "deadline_on",
            "recheck_on",
            "recheck_note",
            "status",
            "created_at",
            "acknowledged_at",
            "acknowledgement_note",
            "closed_at",
            "outcome",
            "outcome_on",
        ]


class ResultSerializer(serializers.ModelSerializer):
    """The result's content, for those who may see it."""

    status = serializers.CharField(read_only=True)
    inspection = serializers.IntegerField(source="inspection_id")
    pending_departments: serializers.SlugRelatedField[Department] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    measures = MeasureSerializer(many=True, read_only=True)
    published_version = serializers.IntegerField(
        source="published_version.number", allow_null=True, default=None
    )

    class Meta:
        model = InspectionResult
        fields = [
            "id",
            "inspection",
            "status",
            "version",
            "categories",
            "pending_departments",
            "completed_on",
            "remarks",
            "due_on",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "correction_reason",
            "published_version",
            "published_at",
            "measures",
        ]


class RecordSummarySerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    matter = serializers.CharField(source="matter.code")
    matter_name = serializers.CharField(source="matter.name")
    status = serializers.CharField(read_only=True)

    class Meta:
        model = MatterRecord
        fields = ["id", "department", "matter", "matter_name", "status"]


class InspectionSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task.code")
    object_code = serializers.CharField(source="drawn_object.code")
    object_name = serializers.CharField(source="inspection_object.name")
    result = ResultStateSerializer(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "task",
            "group_id",
            "object_code",
            "object_name",
            "scheduled_on",
            "combined_visit",
            "result",
        ]


class InspectionDetailSerializer(InspectionSerializer):
    records = serializers.SerializerMethodField()
    result_content = serializers.SerializerMethodField()

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "records", "result_content"]

    @extend_schema_field(RecordSummarySerializer(many=True))
    def get_records(self, inspection):
        return RecordSummarySerializer(self.context["records"], many=True).data

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result_content(self, inspection):
        if not self.context.get("show_result"):
            return None
        return ResultSerializer(inspection.result).data


class AnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordAnswer
        fields = ["position", "text", "basis", "method", "allowed_answers", "answer", "note"]


class AttachmentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "caption",
            "commissioned_check",
            "uploaded_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]


class CommissionedCheckSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = CommissionedCheck
        fields = [
            "id",
            "kind",
            "body",
            "subject",
            "commissioned_on",
            "conclusion",
            "concluded_on",
        ]


class RecordSerializer(RecordSummarySerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    commissioned_checks = CommissionedCheckSerializer(many=True, read_only=True)
    methods = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(RecordSummarySerializer.Meta):
        fields = [
            *RecordSummarySerializer.Meta.fields,
            "inspection",
            "matter_revision",
            "methods",
            "inspected_on",
            "findings",
            "opinion",
            "object_opinion",
            "object_representative",
            "problem_found",
            "completed_at",
            "answers",
            "commissioned_checks",
            "attachments",
        ]


class GroupSerializer(serializers.Serializer):
    task = serializers.CharField(source="task.code")
    task_id = serializers.IntegerField(source="task.pk")
    task_title = serializers.CharField(source="task.title")
    group_id = serializers.CharField()
    is_leader = serializers.BooleanField()
    department_code = serializers.CharField()
    start_date = serializers.DateField(source="task.start_date")
    end_date = serializers.DateField(source="task.end_date")
    objects = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    final = serializers.IntegerField()
    next_date = serializers.DateField(allow_null=True)
    started = serializers.BooleanField()


class CombinedVisitPartSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="inspection.task.code")
    department = serializers.CharField(source="department.code")
    status = serializers.CharField(read_only=True)

    class Meta:
        model = CombinedVisitPart
        fields = ["inspection", "task", "department", "status", "decided_at", "reason"]


class CombinedVisitSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    parts = CombinedVisitPartSerializer(many=True, read_only=True)

    class Meta:
        model = CombinedVisit
        fields = [
            "id",
            "inspection_object",
            "status",
            "visit_on",
            "note",
            "proposed_at",
            "decided_at",
            "parts",
        ]


# --- inputs --------------------------------------------------------------------------------------


class InspectionScheduleInputSerializer(serializers.Serializer):
    scheduled_on = serializers.DateField(allow_null=True)


class AnswerInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(allow_blank=True, max_length=30)
    note = serializers.CharField(allow_blank=True, required=False, max_length=500)


class RecordUpdateInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True, required=False)
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=InspectionMethod.choices), required=False
    )
    inspected_on = serializers.DateField(required=False, allow_null=True)
    findings = serializers.CharField(required=False, allow_blank=True)
    opinion = serializers.CharField(required=False, allow_blank=True)
    object_opinion = serializers.CharField(required=False, allow_blank=True)
    object_representative = serializers.CharField(required=False, allow_blank=True)
    problem_found = serializers.BooleanField(required=False, allow_null=True)


class AttachmentUploadInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(help_text="JPEG, PNG, WebP or PDF; checked by content")
    caption = serializers.CharField(required=False, allow_blank=True, max_length=200)
    commissioned_check = serializers.IntegerField(required=False, allow_null=True)


class InspectionReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CommissionedCheckInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommissionKind.choices)
    body = serializers.CharField(max_length=200)
    subject = serializers.CharField(max_length=300)
    commissioned_on = serializers.DateField()


class CommissionedCheckConcludeInputSerializer(serializers.Serializer):
    conclusion = serializers.CharField(max_length=5000)
    concluded_on = serializers.DateField()


class ResultCompileInputSerializer(serializers.Serializer):
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ResultCategory.choices), allow_empty=False
    )
    completed_on = serializers.DateField()
    remarks = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    pending_departments = serializers.ListField(
        child=serializers.SlugRelatedField(
            slug_field="code", queryset=Department.objects.filter(is_active=True)
        ),
        required=False,
    )


class MeasureCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(is_active=True)
    )
    description = serializers.CharField(max_length=5000)
    deadline_on = serializers.DateField(required=False, allow_null=True)
    notified_department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    receiving_body = serializers.CharField(required=False, allow_blank=True, max_length=200)


class MeasureAcknowledgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MeasureRecheckInputSerializer(serializers.Serializer):
    recheck_on = serializers.DateField()
    note = serializers.CharField(max_length=5000)


class MeasureCloseInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=5000)
    outcome_on = serializers.DateField()


class CombinedVisitProposeInputSerializer(serializers.Serializer):
    other = serializers.IntegerField(help_text="the other task's inspection of the same object")
    visit_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
