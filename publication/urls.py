from django.urls import include, path

from publication import views

app_name = "publication"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify-audit/", views.audit_anchor, name="audit_anchor"),
    path("calendar/", include("publication.calendar.urls")),
    path("deadlines/", include("publication.deadlines.urls")),
]
