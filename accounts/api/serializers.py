from rest_framework import serializers

from accounts.choices import FreezeReason, Role
from accounts.models import AuditEvent, Department, User


class DepartmentOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "short_name", "kind", "is_active"]


class AccountOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](
        slug_field="code", read_only=True, allow_null=True
    )
    is_frozen = serializers.BooleanField(read_only=True)
    reissued_from = serializers.SlugRelatedField[User](
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "email", "phone", "department", "roles",
            "is_frozen", "frozen_at", "frozen_reason", "reissued_from", "last_login",
        ]  # fmt: skip


class IssuedAccountSerializer(serializers.Serializer):
    account = AccountOutputSerializer()
    temporary_password = serializers.CharField()


class AuditEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "seq", "prev_hash", "hash", "occurred_at", "actor_label", "action",
            "target_type", "target_id", "target_label", "details",
        ]  # fmt: skip


class AccountCreateInputSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), min_length=1)


class FreezeInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FreezeReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=150)


class DepartmentCreateInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=16)
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)
