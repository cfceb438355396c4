"""Mounted at /api/v1/calendar/ with the namespace "publication_api"."""

from django.urls import path

from publication.calendar.api import views

urlpatterns = [
    path("years/", views.CalendarYearListApi.as_view(), name="year_list"),
    path("years/<int:year>/import/", views.CalendarYearImportApi.as_view(), name="year_import"),
    path(
        "years/<int:year>/mark-official/",
        views.CalendarYearMarkOfficialApi.as_view(),
        name="year_mark_official",
    ),
    path(
        "years/<int:year>/mark-fallback/",
        views.CalendarYearMarkFallbackApi.as_view(),
        name="year_mark_fallback",
    ),
    path("days/", views.CalendarDayListApi.as_view(), name="day_list"),
    path("days/set/", views.CalendarDaySetApi.as_view(), name="day_set"),
    path("days/clear/", views.CalendarDayClearApi.as_view(), name="day_clear"),
    path("add/", views.CalendarAddApi.as_view(), name="add"),
    path("between/", views.CalendarBetweenApi.as_view(), name="between"),
]
