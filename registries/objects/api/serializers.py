from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale, SpecialList
from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.scopes import special_lists_of

MAX_VALIDATE_CODES = 10_000
# Listed as plain strings: the choice set already has its name (SpecialListEnum) on the inputs.
SPECIAL_LISTS_FIELD = serializers.ListField(
    child=serializers.CharField(),
    help_text="special lists the object is on today: " + ", ".join(SpecialList.values),
)


class SupervisionOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    department_name = serializers.CharField(source="department.display_name", read_only=True)
    claim_status = serializers.ChoiceField(
        source="status", choices=ObjectSupervision.Status.choices, read_only=True
    )

    class Meta:
        model = ObjectSupervision
        fields = ["id", "department", "department_name", "claim_status", "claimed_at"]


class ObjectListOutputSerializer(serializers.ModelSerializer):
    special_lists = serializers.SerializerMethodField()
    supervising_departments = serializers.SerializerMethodField()

    class Meta:
        model = InspectionObject
        fields = [
            "id", "kind", "code", "name", "region_code", "industry_code", "licence_types", "scale",
            "risk_class", "status", "grid", "special_lists", "supervising_departments",
        ]  # fmt: skip

    @extend_schema_field(SPECIAL_LISTS_FIELD)
    def get_special_lists(self, inspection_object) -> list[str]:
        lists = getattr(inspection_object, "special_lists", None)
        if lists is None:
            lists = special_lists_of(inspection_object, timezone.localdate())
        return [str(value) for value in lists]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_supervising_departments(self, inspection_object) -> list[str]:
        return [
            supervision.department.code
            for supervision in inspection_object.supervisions.all()
            if supervision.status == ObjectSupervision.Status.CLAIMED
        ]


class ObjectChangeOutputSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ObjectChange
        fields = ["id", "changed_at", "changed_by", "source", "changes"]


class ObjectDetailOutputSerializer(serializers.ModelSerializer):
    special_lists = serializers.SerializerMethodField()
    supervisions = serializers.SerializerMethodField()

    class Meta:
        model = InspectionObject
        fields = [
            "id", "kind", "code", "name", "legal_representative", "address", "region_code",
            "industry_code", "licence_types", "scale", "risk_class", "status", "registering_authority",
            "grid", "anomaly_since", "anomaly_source", "serious_violation_since",
            "serious_violation_source", "penalised_at", "penalised_source", "group_complaint_at",
            "group_complaint_source", "special_lists", "supervisions", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(SPECIAL_LISTS_FIELD)
    def get_special_lists(self, inspection_object) -> list[str]:
        return [str(value) for value in special_lists_of(inspection_object, timezone.localdate())]

    @extend_schema_field(SupervisionOutputSerializer(many=True))
    def get_supervisions(self, inspection_object):
        supervisions = inspection_object.supervisions.select_related("department").order_by(
            "department__code"
        )
        return SupervisionOutputSerializer(supervisions, many=True).data


class ObjectCreateInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ObjectKind.choices)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    region_code = serializers.CharField(max_length=12)
    industry_code = serializers.CharField(
        max_length=8, required=False, allow_blank=True, default=""
    )
    licence_types = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )
    scale = serializers.ChoiceField(
        choices=Scale.choices, required=False, allow_blank=True, default=""
    )
    risk_class = serializers.ChoiceField(
        choices=RiskClass.choices, required=False, default=RiskClass.B
    )
    status = serializers.ChoiceField(
        choices=ObjectStatus.choices, required=False, default=ObjectStatus.ACTIVE
    )
    registering_authority = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    supervising_departments = serializers.ListField(
        child=serializers.CharField(max_length=16),
        required=False,
        default=list,
        help_text="Department codes (office only; a department's entry is supervised by itself).",
    )


class ObjectUpdateInputSerializer(serializers.Serializer):
    """Partial update: only the fields given are changed (and recorded in the history)."""

    kind = serializers.ChoiceField(choices=ObjectKind.choices, required=False)
    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=200, required=False)
    legal_representative = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    region_code = serializers.CharField(max_length=12, required=False)
    industry_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    licence_types = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False
    )
    scale = serializers.ChoiceField(choices=Scale.choices, required=False, allow_blank=True)
    risk_class = serializers.ChoiceField(choices=RiskClass.choices, required=False)
    status = serializers.ChoiceField(choices=ObjectStatus.choices, required=False)
    registering_authority = serializers.CharField(max_length=100, required=False, allow_blank=True)
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True)


class FlagSetInputSerializer(serializers.Serializer):
    special_list = serializers.ChoiceField(choices=SpecialList.choices)
    since = serializers.DateField()
    source = serializers.CharField(max_length=100)  # type: ignore[assignment]  # like Field.source


class FlagClearInputSerializer(serializers.Serializer):
    special_list = serializers.ChoiceField(choices=SpecialList.choices)
    reason = serializers.CharField(max_length=200)


class ClaimInputSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=32), min_length=1, max_length=200
    )


class ClaimResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    object_id = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField(help_text="claimed, disputed, not_found or error")
    message = serializers.CharField(allow_blank=True)


class ReleaseInputSerializer(serializers.Serializer):
    department = serializers.CharField(
        max_length=16,
        required=False,
        help_text="Department code (office only; default: your department).",
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResolveInputSerializer(serializers.Serializer):
    decision = serializers.CharField(
        max_length=10, help_text="keep (both departments supervise) or remove"
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DisputeOutputSerializer(serializers.ModelSerializer):
    object_id = serializers.IntegerField(source="inspection_object_id", read_only=True)
    object_code = serializers.CharField(source="inspection_object.code", read_only=True)
    object_name = serializers.CharField(source="inspection_object.name", read_only=True)
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    claimed_by = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )
    settled_departments = serializers.SerializerMethodField()

    class Meta:
        model = ObjectSupervision
        fields = [
            "id",
            "object_id",
            "object_code",
            "object_name",
            "department",
            "claimed_by",
            "claimed_at",
            "settled_departments",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_settled_departments(self, supervision) -> list[str]:
        settled = getattr(supervision.inspection_object, "settled_supervisions", [])
        return [item.department.code for item in settled]


class UsccValidateInputSerializer(serializers.Serializer):
    codes = serializers.ListField(
        child=serializers.CharField(max_length=100, allow_blank=True), max_length=MAX_VALIDATE_CODES
    )


class UsccResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    valid = serializers.BooleanField()
    reason = serializers.CharField(
        allow_null=True, help_text="length, charset or check; null when valid"
    )
    expected_check = serializers.CharField(allow_null=True)
    position = serializers.IntegerField(allow_null=True)
    character = serializers.CharField(allow_null=True)
    message = serializers.CharField(allow_blank=True)
