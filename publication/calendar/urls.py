"""Mounted at "calendar/" inside the "publication" namespace (see publication/urls.py)."""

from django.urls import path

from publication.calendar import views as calendar_views

urlpatterns = [
    path("", calendar_views.calendar_index, name="calendar"),
    path("day/", calendar_views.calendar_day, name="calendar_day"),
    path("import/", calendar_views.calendar_import, name="calendar_import"),
    path(
        "year/<int:year>/status/", calendar_views.calendar_year_status, name="calendar_year_status"
    ),
]
