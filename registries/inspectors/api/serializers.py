"""Serializers of the inspector-registry API (inspectors, experts, recusals, rules, import)."""

from rest_framework import serializers

from accounts.models import Department, User
from registries.choices import InspectorStatus, RecusalReason, RecusalStatus
from registries.models import Expert, Inspector, Recusal, RecusalRule


class InspectorOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    user = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Inspector
        fields = [
            "id", "code", "name", "department", "department_name", "user", "post",
            "certificate_number", "certificate_valid_from", "certificate_valid_until", "tags",
            "region_code", "grid", "status", "status_since", "status_until", "max_load",
            "created_at", "updated_at",
        ]  # fmt: skip


class InspectorFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, help_text="姓名、人员编码或执法证号"
    )
    department = serializers.CharField(required=False, allow_blank=True, help_text="部门代码")
    status = serializers.ChoiceField(choices=InspectorStatus.choices, required=False)
    tag = serializers.CharField(required=False, allow_blank=True)
    expiring = serializers.BooleanField(
        required=False, default=False, help_text="执法证 60 日内到期"
    )
    drawable_from = serializers.DateField(required=False, help_text="可抽取期间起")
    drawable_until = serializers.DateField(required=False, help_text="可抽取期间止")


class ExportFormatSerializer(serializers.Serializer):
    # not "format": DRF reserves that query parameter for choosing a renderer
    file_format = serializers.ChoiceField(
        choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False, default="csv"
    )


class InspectorExportQuerySerializer(InspectorFilterSerializer, ExportFormatSerializer):
    pass


class InspectorCreateInputSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, help_text="部门代码；部门用户可省略（默认本部门）"
    )
    name = serializers.CharField(max_length=50)
    post = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    certificate_number = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    certificate_valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list
    )
    region_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    max_load = serializers.IntegerField(min_value=1, max_value=20, required=False, default=3)
    user = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="关联账户的用户名"
    )


class InspectorUpdateInputSerializer(serializers.Serializer):
    """Only the fields sent are changed."""

    name = serializers.CharField(max_length=50, required=False)
    post = serializers.CharField(max_length=100, required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    region_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True)
    max_load = serializers.IntegerField(min_value=1, max_value=20, required=False)
    user = serializers.CharField(
        required=False, allow_null=True, help_text="关联账户的用户名；null 解除关联"
    )
    status = serializers.ChoiceField(choices=InspectorStatus.choices, required=False)
    status_since = serializers.DateField(required=False, allow_null=True)
    status_until = serializers.DateField(required=False, allow_null=True)


class CertificateInputSerializer(serializers.Serializer):
    certificate_number = serializers.CharField(max_length=50, allow_blank=True)
    certificate_valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    certificate_valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class EligibilityQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError("结束日期不能早于开始日期。")
        return attrs


class EligibilityOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    drawable = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class ExpertOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Expert
        fields = [
            "id",
            "code",
            "name",
            "organisation",
            "speciality",
            "tags",
            "status",
            "max_load",
            "region_code",
            "grid",
            "created_at",
        ]


class ExpertFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=InspectorStatus.choices, required=False)
    tag = serializers.CharField(required=False, allow_blank=True)


class ExpertExportQuerySerializer(ExpertFilterSerializer, ExportFormatSerializer):
    pass


class ExpertCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    organisation = serializers.CharField(max_length=200)
    speciality = serializers.CharField(max_length=200)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, default=list
    )
    status = serializers.ChoiceField(
        choices=InspectorStatus.choices, required=False, default=InspectorStatus.ACTIVE
    )
    max_load = serializers.IntegerField(min_value=1, max_value=20, required=False, default=3)
    region_code = serializers.CharField(max_length=12, required=False, allow_blank=True, default="")
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ExpertUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    organisation = serializers.CharField(max_length=200, required=False)
    speciality = serializers.CharField(max_length=200, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    status = serializers.ChoiceField(choices=InspectorStatus.choices, required=False)
    max_load = serializers.IntegerField(min_value=1, max_value=20, required=False)
    region_code = serializers.CharField(max_length=12, required=False, allow_blank=True)
    grid = serializers.CharField(max_length=40, required=False, allow_blank=True)


class RecusalOutputSerializer(serializers.ModelSerializer):
    """An inspector's or an expert's recusal (exactly one of `inspector` and `expert` is set)."""

    inspector = serializers.SlugRelatedField[Inspector](
        slug_field="code", read_only=True, allow_null=True
    )
    expert = serializers.SlugRelatedField[Expert](
        slug_field="code", read_only=True, allow_null=True
    )
    inspector_name = serializers.SerializerMethodField(help_text="姓名（人员或专家）")
    department = serializers.SerializerMethodField(help_text="部门代码；专家为 EXPERT")
    object_code = serializers.CharField(source="inspection_object.code", read_only=True)
    object_name = serializers.CharField(source="inspection_object.name", read_only=True)
    declared_by = serializers.SlugRelatedField[User](slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Recusal
        fields = [
            "id", "inspector", "expert", "inspector_name", "department", "object_code", "object_name",
            "reason", "note", "status", "declared_by", "declared_at", "decided_by", "decided_at",
            "decision_note",
        ]  # fmt: skip

    def get_inspector_name(self, recusal: Recusal) -> str:
        return recusal.person.name

    def get_department(self, recusal: Recusal) -> str:
        return recusal.inspector.department.code if recusal.inspector else "EXPERT"


class RecusalFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RecusalStatus.choices, required=False)
    department = serializers.CharField(required=False, allow_blank=True)
    inspector = serializers.IntegerField(required=False, help_text="人员 id")
    q = serializers.CharField(required=False, allow_blank=True)


class RecusalDeclareInputSerializer(serializers.Serializer):
    inspector = serializers.IntegerField(required=False, allow_null=True, help_text="人员 id")
    expert = serializers.IntegerField(
        required=False, allow_null=True, help_text="专家 id（专家的回避由联席办申报）"
    )
    object_code = serializers.CharField(
        max_length=32, help_text="检查对象的统一社会信用代码或对象编码"
    )
    reason = serializers.ChoiceField(choices=RecusalReason.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if (attrs.get("inspector") is None) == (attrs.get("expert") is None):
            raise serializers.ValidationError("请指定一名执法检查人员或一名专家。")
        return attrs


class DecisionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RecusalRuleOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecusalRule.Kind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    is_active = serializers.BooleanField()
    note = serializers.CharField()


class RecusalRuleInputSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ImportInputSerializer(serializers.Serializer):
    registry = serializers.ChoiceField(
        choices=[("inspectors", "执法检查人员"), ("experts", "专家")],
        required=False,
        default="inspectors",
    )
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）、XLSX 或 XLS，最大 10 MB")
    apply = serializers.BooleanField(
        required=False,
        default=False,
        help_text="false：只校验；true：校验通过后全部导入（有错则不导入任何行）",
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    filename = serializers.CharField()
    total_rows = serializers.IntegerField()
    ok = serializers.BooleanField()
    to_create = serializers.IntegerField()
    to_update = serializers.IntegerField()
    applied = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)  # type: ignore[assignment]  # like Serializer.errors
    warnings = ImportErrorSerializer(
        many=True, help_text="提示（如执法证已过期、标签无人使用），不阻止导入"
    )
