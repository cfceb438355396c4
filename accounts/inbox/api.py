"""Inbox API (/api/v1/inbox/): a user lists and reads only their own notices."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import NotificationSeverity
from accounts.inbox import services
from accounts.inbox.permissions import access_notification_for_user
from accounts.inbox.selectors import notification_list_for, notification_unread_count
from accounts.models import Department, Notification
from platform_site.api import ActionApi, call_service


class NotificationOutputSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField[Department](slug_field="code", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "severity",
            "department",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationListApi(ListAPIView):
    serializer_class = NotificationOutputSerializer
    queryset = Notification.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="只列未读"),
            OpenApiParameter(
                "severity",
                OpenApiTypes.STR,
                enum=NotificationSeverity.values,
                description="紧急程度",
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        severity = self.request.query_params.get("severity", "")
        if severity and severity not in NotificationSeverity.values:
            raise serializers.ValidationError({"severity": ["未知的紧急程度。"]})
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return notification_list_for(self.request.user, unread_only=unread, severity=severity)


class NotificationReadApi(ActionApi):
    service = staticmethod(services.notification_mark_read)
    actor_kwarg = "user"
    output_serializer = NotificationOutputSerializer

    def get_targets(self, request, notification_id: int):
        return {"notification": access_notification_for_user(request.user, notification_id)}


class NotificationReadAllApi(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationReadAll", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        marked = call_service(services.notification_mark_all_read, user=request.user)
        return Response({"marked": marked})


class NotificationUnreadCountApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "NotificationUnreadCount", {"unread": serializers.IntegerField()}
        )
    )
    def get(self, request):
        return Response({"unread": notification_unread_count(request.user)})
