from rest_framework import serializers

from accounts.models import Department
from catalog.models import Matter
from tasks.models import Draw, DrawReview, Task


class TaskOutputSerializer(serializers.ModelSerializer):
    lead_department = serializers.CharField(source="lead_department.code")
    participating_departments = serializers.SlugRelatedField[Department](
        slug_field="code", many=True, read_only=True
    )
    matters = serializers.SlugRelatedField[Department](slug_field="code", many=True, read_only=True)
    is_adhoc = serializers.BooleanField(read_only=True)
    status = serializers.CharField(read_only=True)
    inspection_method = serializers.CharField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "title",
            "status",
            "lead_department",
            "participating_departments",
            "plan_item",
            "adhoc_reason",
            "approved_at",
            "matters",
            "scope",
            "strata",
            "groups",
            "group_composition",
            "required_tags",
            "start_date",
            "end_date",
            "inspection_method",
            "is_adhoc",
            "created_at",
        ]


class DrawReviewOutputSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    role = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = DrawReview
        fields = [
            "id",
            "department",
            "role",
            "status",
            "decided_at",
            "return_reason",
            "reminder_count",
            "escalated_at",
        ]


class DrawOutputSerializer(serializers.ModelSerializer):
    """Never exposes the sealed secret; the revealed secret and witnesses only exist after the reveal."""

    task = serializers.CharField(source="task.code")
    kind = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    reviews = DrawReviewOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "task",
            "number",
            "kind",
            "state",
            "protocol_task_id",
            "commitment",
            "beacon",
            "snapshots",
            "params",
            "candidate_count",
            "must_count",
            "inspector_count",
            "conflict_count",
            "revealed_secret",
            "witnesses",
            "seed",
            "result",
            "result_hash",
            "head_hash",
            "failure_reason",
            "announced_at",
            "revealed_at",
            "drawn_at",
            "redraw_of",
            "redraw_reason",
            "withdrawn_reason",
            "void_reason",
            "void_requested_at",
            "voided_at",
            "parent_draw",
            "replaced_inspector_code",
            "replaced_group",
            "replacement_reason",
            "reviews",
        ]


class PublicDrawSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Draw
        fields = [
            "number",
            "kind",
            "state",
            "protocol_task_id",
            "commitment",
            "beacon",
            "snapshots",
            "candidate_count",
            "must_count",
            "revealed_secret",
            "witnesses",
            "seed",
            "result",
            "result_hash",
            "head_hash",
            "announced_at",
            "drawn_at",
            "redraw_reason",
            "void_reason",
        ]


class TaskCreateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    plan_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    adhoc_reason = serializers.CharField(required=False, allow_blank=True, default="")
    participating_departments = serializers.SlugRelatedField[Department](
        slug_field="code", many=True, queryset=Department.objects.all(), required=False
    )
    matters = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Matter.objects.all(), required=False
    )
    scope = serializers.JSONField(required=False)
    strata = serializers.JSONField(required=False)
    groups = serializers.IntegerField(min_value=1, default=1)
    group_composition = serializers.JSONField(required=False)
    required_tags = serializers.JSONField(required=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    inspection_method = serializers.CharField(default="on_site")


class DrawWitnessInputSerializer(serializers.Serializer):
    witness = serializers.CharField(max_length=200, trim_whitespace=False)


class DrawReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DrawDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TaskPushInputSerializer(serializers.Serializer):
    redraw_reason = serializers.CharField(required=False, allow_blank=True, default="")


class DrawReplacementInputSerializer(serializers.Serializer):
    inspector_code = serializers.CharField(max_length=32)
    reason = serializers.CharField(max_length=1000)


class DrawVerifyInputSerializer(serializers.Serializer):
    bundle = serializers.JSONField()


class DrawVerifyProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    detail = serializers.CharField()


class DrawVerifyOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    seed = serializers.CharField(allow_null=True)
    voided = serializers.BooleanField()
    problems = DrawVerifyProblemSerializer(many=True)
