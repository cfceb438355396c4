"""Liaison API (/api/v1/liaisons/): the office's contact directory; a department admin (or the
office) designates the department's liaison."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.liaisons import contact_directory, department_set_liaison
from accounts.models import User
from accounts.permissions import IsAccountManager, IsOfficeAdmin, access_department_for_user
from platform_site.api import call_service


class ContactSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class DepartmentContactsSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    liaison = ContactSerializer(allow_null=True)
    liaison_since = serializers.DateTimeField(source="department.liaison_since", allow_null=True)
    has_designated_liaison = serializers.BooleanField()
    notices_reach = ContactSerializer(many=True)
    admins = ContactSerializer(many=True)


class ContactDirectoryApi(APIView):
    permission_classes = [IsOfficeAdmin]

    @extend_schema(responses=DepartmentContactsSerializer(many=True))
    def get(self, request):
        return Response(DepartmentContactsSerializer(contact_directory(), many=True).data)


class DepartmentLiaisonSetApi(APIView):
    permission_classes = [IsAccountManager]

    class LiaisonInputSerializer(serializers.Serializer):
        liaison = serializers.CharField(
            allow_null=True, help_text="联络员的用户名；null 表示撤销指定"
        )

    class LiaisonOutputSerializer(serializers.Serializer):
        department = serializers.CharField(source="code")
        liaison = serializers.CharField(source="liaison.username", allow_null=True)
        liaison_since = serializers.DateTimeField(allow_null=True)

    @extend_schema(request=LiaisonInputSerializer, responses=LiaisonOutputSerializer)
    def post(self, request, department_id: int):
        department = access_department_for_user(request.user, department_id, manage=True)
        data = self.LiaisonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["liaison"]
        liaison = None
        if username:
            liaison = User.objects.filter(username=username, department=department).first()
            if liaison is None:
                raise serializers.ValidationError({"liaison": ["本部门没有该账户。"]})
        department = call_service(
            department_set_liaison, department=department, liaison=liaison, set_by=request.user
        )
        return Response(self.LiaisonOutputSerializer(department).data)
