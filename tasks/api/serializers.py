from rest_framework import serializers

from accounts.models import Department, User
from catalog.models import Matter
from tasks.choices import ReplacementCategory
from tasks.models import MAX_ATTEMPTS_LIMIT, Draw, DrawReview, Task, TaskPolicy
from tasks.permissions import can_read_replacement_reason


class TaskOutputSerializer(serializers.ModelSerializer):
    lead_department = serializers.CharField(source="lead_department.code")
    participating_departments = serializers.SlugRelatedField[Department](
        slug_field="code", many=True, read_only=True
    )
    matters = serializers.SlugRelatedField[Department](slug_field="code", many=True, read_only=True)
    is_adhoc = serializers.BooleanField(read_only=True)
    status = serializers.CharField(read_only=True)
    inspection_method = serializers.CharField(read_only=True)
    second_witness = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

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
            "deviation_reason",
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
            "second_witness",
            "max_attempts",
            "is_adhoc",
            "created_at",
        ]


class TaskDetailOutputSerializer(TaskOutputSerializer):
    """One task, with what its approval covers (a few more queries than a list row may cost)."""

    deviates_from_plan = serializers.BooleanField(read_only=True)
    needs_approval = serializers.BooleanField(read_only=True)

    class Meta(TaskOutputSerializer.Meta):
        fields = [
            *TaskOutputSerializer.Meta.fields,
            "deviates_from_plan",
            "needs_approval",
            "approved_terms",
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
    replacement_category = serializers.CharField(read_only=True)
    replacement_reason = serializers.SerializerMethodField(
        help_text="The free text, for the office, auditors and the lead department only."
    )

    def get_replacement_reason(self, draw: Draw) -> str:
        request = self.context.get("request")
        user = self.context.get("user") or getattr(request, "user", None)
        if user is not None and can_read_replacement_reason(user, draw.task):
            return draw.replacement_reason
        return ""

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
            "reveal_not_before",
            "revealed_at",
            "drawn_at",
            "job_attempts",
            "redraw_of",
            "redraw_reason",
            "withdrawn_reason",
            "withdraw_request_reason",
            "withdraw_requested_at",
            "void_reason",
            "void_requested_at",
            "voided_at",
            "parent_draw",
            "replaced_inspector_code",
            "replaced_group",
            "replacement_category",
            "replacement_reason",
            "reviews",
        ]


class PublicDrawSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    replacement_category = serializers.CharField(read_only=True)

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
            "reveal_not_before",
            "drawn_at",
            "redraw_reason",
            "withdrawn_reason",
            "void_reason",
            "replaced_group",
            "replaced_inspector_code",
            "replacement_category",
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
    deviation_reason = serializers.CharField(required=False, allow_blank=True, default="")
    second_witness = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
    )
    max_attempts = serializers.IntegerField(
        min_value=1, max_value=MAX_ATTEMPTS_LIMIT, required=False, default=20
    )


class CombineProposalOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The object drawn by both tasks")
    name = serializers.CharField()
    group_here = serializers.CharField()
    other_task = serializers.CharField(source="other_task.code")
    other_task_title = serializers.CharField(source="other_task.title")
    other_lead_department = serializers.CharField(source="other_task.lead_department.code")
    group_there = serializers.CharField()
    other_start_date = serializers.DateField(source="other_task.start_date")
    other_end_date = serializers.DateField(source="other_task.end_date")


class WorkloadFlagOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    department_code = serializers.CharField()
    group_id = serializers.CharField()
    groups_in_period = serializers.IntegerField()
    max_load = serializers.IntegerField()
    over_cap = serializers.BooleanField()
    other_tasks = serializers.ListField(child=serializers.CharField())


class TaskUpdateInputSerializer(TaskCreateInputSerializer):
    """The task edit form's fields, each optional: what is sent changes, the rest stays."""

    # DRF's way to leave out an inherited field (the plan item and code are set at creation).
    plan_item = None  # type: ignore[assignment]
    code = None  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class DrawWitnessInputSerializer(serializers.Serializer):
    witness = serializers.CharField(max_length=200, trim_whitespace=False)


class DrawReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class DrawDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TaskPushInputSerializer(serializers.Serializer):
    redraw_reason = serializers.CharField(required=False, allow_blank=True, default="")
    reveal_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DrawReplacementInputSerializer(serializers.Serializer):
    inspector_code = serializers.CharField(max_length=32)
    category = serializers.ChoiceField(
        choices=ReplacementCategory.choices, default=ReplacementCategory.OTHER
    )
    reason = serializers.CharField(max_length=1000)


class TaskWitnessGrantInputSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    revoke = serializers.BooleanField(required=False, default=False)


class TaskPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskPolicy
        fields = [
            "escalate_after_working_days",
            "remind_every_working_days",
            "low_risk_yearly_limit",
            "clean_result_months",
            "reveal_delay_minutes",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class StuckDrawSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task.code")
    lead_department = serializers.CharField(source="task.lead_department.code")

    class Meta:
        model = Draw
        fields = [
            "id",
            "task",
            "lead_department",
            "number",
            "protocol_task_id",
            "revealed_at",
            "job_queued_at",
            "job_attempts",
        ]


class DrawVerifyInputSerializer(serializers.Serializer):
    bundle = serializers.JSONField()
    announcement = serializers.JSONField(required=False, allow_null=True, default=None)
    head = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True, default=""
    )


class DrawVerifyProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    detail = serializers.CharField()


class DrawVerifyOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    incomplete = serializers.BooleanField()
    seed = serializers.CharField(allow_null=True)
    head = serializers.CharField(allow_null=True)
    commitment = serializers.CharField(allow_null=True)
    public = serializers.BooleanField()
    public_note = serializers.CharField(allow_blank=True)
    voided = serializers.BooleanField()
    problems = DrawVerifyProblemSerializer(many=True)


class DrawVerifyQueuedSerializer(serializers.Serializer):
    status = serializers.CharField()
    token = serializers.UUIDField()
    url = serializers.CharField()


class DrawVerifyResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    report = DrawVerifyOutputSerializer(allow_null=True)
