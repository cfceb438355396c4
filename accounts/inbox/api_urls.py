from django.urls import path

from accounts.inbox import api

urlpatterns = [
    path("", api.NotificationListApi.as_view(), name="notification_list"),
    path("unread-count/", api.NotificationUnreadCountApi.as_view(), name="notification_unread"),
    path("read-all/", api.NotificationReadAllApi.as_view(), name="notification_read_all"),
    path(
        "<int:notification_id>/read/", api.NotificationReadApi.as_view(), name="notification_read"
    ),
]
