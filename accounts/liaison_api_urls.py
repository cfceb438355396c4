from django.urls import path

from accounts import liaison_api

urlpatterns = [
    path("", liaison_api.ContactDirectoryApi.as_view(), name="contact_directory"),
    path(
        "<int:department_id>/",
        liaison_api.DepartmentLiaisonSetApi.as_view(),
        name="department_liaison",
    ),
]
