from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from catalog.choices import ImplementingLevel, InspectionMethod, MatterCategory, ProposalKind
from catalog.models import CheckPoint, Matter, MatterChangeProposal, MatterImport, MatterRevision


@extend_schema_field(
    {"type": "array", "items": {"$ref": "#/components/schemas/InspectionMethodEnum"}}
)
class MethodsField(serializers.ListField):
    """Inspection methods; described with the same enum component as a check point's method."""

    child = serializers.ChoiceField(choices=InspectionMethod.choices)


class CheckPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckPoint
        fields = ["position", "text", "basis", "method", "allowed_answers"]


class MatterOutputSerializer(serializers.ModelSerializer):
    implementing_departments = serializers.SlugRelatedField[Department](
        slug_field="code", many=True, read_only=True
    )
    participating_departments = serializers.SlugRelatedField[Department](
        slug_field="code", many=True, read_only=True
    )
    methods = MethodsField(read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id", "code", "name", "field", "legal_basis", "object_type", "inspection_content", "methods",
            "category", "ratio_cap_bp", "frequency", "implementing_level", "is_common", "is_joint",
            "list_year", "effective_from", "effective_until", "status", "revision", "source",
            "compiling_department", "implementing_subject_text", "participating_departments_text",
            "implementing_departments", "participating_departments", "scope", "updated_at",
        ]  # fmt: skip


class MatterDetailOutputSerializer(MatterOutputSerializer):
    check_points = CheckPointSerializer(many=True, read_only=True)

    class Meta(MatterOutputSerializer.Meta):
        fields = [*MatterOutputSerializer.Meta.fields, "check_points"]


class PublicMatterOutputSerializer(MatterDetailOutputSerializer):
    class Meta(MatterOutputSerializer.Meta):
        fields = [
            "id", "code", "name", "field", "legal_basis", "object_type", "inspection_content", "methods",
            "category", "ratio_cap_bp", "frequency", "implementing_level", "is_common", "is_joint",
            "list_year", "effective_from", "effective_until", "implementing_departments",
            "participating_departments", "implementing_subject_text", "check_points",
        ]  # fmt: skip


class MatterFieldsInputSerializer(serializers.Serializer):
    """Every field optional: only the given ones are changed (or proposed)."""

    name = serializers.CharField(max_length=300, required=False)
    field = serializers.CharField(max_length=100, required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    object_type = serializers.CharField(max_length=300, required=False, allow_blank=True)
    inspection_content = serializers.CharField(required=False, allow_blank=True)
    methods = MethodsField(required=False)
    category = serializers.ChoiceField(choices=MatterCategory.choices, required=False)
    ratio_cap_bp = serializers.IntegerField(
        min_value=0, max_value=10000, required=False, allow_null=True
    )
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)
    implementing_level = serializers.ChoiceField(choices=ImplementingLevel.choices, required=False)
    is_common = serializers.BooleanField(required=False)
    is_joint = serializers.BooleanField(required=False)
    list_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    effective_from = serializers.DateField(required=False)
    # A field named like Field.source: DRF takes it from the class body, mypy sees an override.
    source = serializers.CharField(max_length=200, required=False, allow_blank=True)  # type: ignore[assignment]
    compiling_department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    implementing_subject_text = serializers.CharField(required=False, allow_blank=True)
    participating_departments_text = serializers.CharField(required=False, allow_blank=True)
    implementing_departments = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        help_text="department codes, e.g. SAMR",
    )
    participating_departments = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False
    )
    scope = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="object scope: kinds, region_prefixes, industry_prefixes, risk_classes, scales, "
        "licence_types, departments, grids, statuses",
    )


class MatterCreateInputSerializer(MatterFieldsInputSerializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=300)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class MatterUpdateInputSerializer(MatterFieldsInputSerializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RetireInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    effective_until = serializers.DateField(required=False, allow_null=True, default=None)


class CheckPointInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    basis = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=InspectionMethod.choices, required=False, default=InspectionMethod.ON_SITE
    )
    allowed_answers = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        default=list,
        help_text="default: 符合 / 不符合 / 不涉及",
    )


class CheckPointsInputSerializer(serializers.Serializer):
    check_points = CheckPointInputSerializer(many=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RevisionOutputSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)

    class Meta:
        model = MatterRevision
        fields = [
            "revision",
            "action",
            "changes",
            "snapshot",
            "reason",
            "changed_by",
            "changed_at",
            "matter_import",
            "proposal",
        ]


class ProposalOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    proposed_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )
    matter_code = serializers.CharField(
        source="matter.code", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MatterChangeProposal
        fields = [
            "id", "kind", "matter", "matter_code", "department", "proposed_by", "payload", "reason", "status",
            "created_at", "decided_by", "decided_at", "decision_reason",
        ]  # fmt: skip


class ProposalSubmitInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProposalKind.choices)
    matter = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="matter id (change, retire)"
    )
    payload = MatterFieldsInputSerializer(required=False, default=dict)
    reason = serializers.CharField()


class ProposalAcceptInputSerializer(serializers.Serializer):
    decision_reason = serializers.CharField(required=False, allow_blank=True, default="")
    code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="code of an added matter",
    )


class ProposalRejectInputSerializer(serializers.Serializer):
    decision_reason = serializers.CharField()


class MatterImportOutputSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    applied_by = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = MatterImport
        fields = [
            "id", "filename", "sha256", "sheet_title", "list_name", "code_prefix", "list_year", "effective_from",
            "complete_list", "default_ratio_cap_bp", "status", "added_count", "changed_count", "retired_count",
            "unchanged_count", "warnings", "diff", "uploaded_by", "uploaded_at", "applied_by", "applied_at",
            "discarded_at",
        ]  # fmt: skip


class MatterImportPreviewInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text=".xlsx, .xls or .csv (UTF-8 or GBK)"
    )
    list_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    code_prefix = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    list_year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )
    effective_from = serializers.DateField(required=False, allow_null=True, default=None)
    complete_list = serializers.BooleanField(required=False, default=False)
    default_ratio_cap_bp = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, default=500
    )
