from django.urls import path

from registries.objects.api import views

urlpatterns = [
    path("objects/", views.ObjectListApi.as_view(), name="object_list"),
    path("objects/create/", views.ObjectCreateApi.as_view(), name="object_create"),
    path("objects/claim/", views.ObjectClaimApi.as_view(), name="object_claim"),
    path(
        "objects/export/<str:export_format>/", views.ObjectExportApi.as_view(), name="object_export"
    ),
    path("objects/disputes/", views.DisputeListApi.as_view(), name="dispute_list"),
    path(
        "objects/disputes/<int:supervision_id>/resolve/",
        views.DisputeResolveApi.as_view(),
        name="dispute_resolve",
    ),
    path("objects/<int:object_id>/", views.ObjectDetailApi.as_view(), name="object_detail"),
    path("objects/<int:object_id>/update/", views.ObjectUpdateApi.as_view(), name="object_update"),
    path(
        "objects/<int:object_id>/history/", views.ObjectHistoryApi.as_view(), name="object_history"
    ),
    path(
        "objects/<int:object_id>/flags/set/",
        views.ObjectFlagSetApi.as_view(),
        name="object_flag_set",
    ),
    path(
        "objects/<int:object_id>/flags/clear/",
        views.ObjectFlagClearApi.as_view(),
        name="object_flag_clear",
    ),
    path(
        "objects/<int:object_id>/release/", views.ObjectReleaseApi.as_view(), name="object_release"
    ),
    path("uscc/validate/", views.UsccValidateApi.as_view(), name="uscc_validate"),
]
