"""A user's plan notifications."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import services
from plans.api.serializers import (
    NotificationOutputSerializer,
)
from plans.models import (
    Notification,
)
from plans.permissions import (
    access_notification_for_user,
)
from plans.selectors import (
    notifications_for,
)
from platform_site.api import call_service


class NotificationListApi(ListAPIView):
    serializer_class = NotificationOutputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        unread = self.request.query_params.get("unread") in ("1", "true")
        return notifications_for(self.request.user, unread_only=unread)


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOutputSerializer)
    def post(self, request, notification_id: int):
        notification = access_notification_for_user(request.user, notification_id)
        notification = call_service(
            services.notification_mark_read, notification=notification, user=request.user
        )
        return Response(NotificationOutputSerializer(notification).data)
