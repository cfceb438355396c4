from django.urls import path

from accounts.inbox import views

# Included by accounts/urls.py (namespace "accounts").
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notification_read_all, name="notification_read_all"),
    path("inbox/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
