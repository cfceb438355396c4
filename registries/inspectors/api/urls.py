from django.urls import path

from registries.inspectors.api import views

# Mounted at /api/v1/registries/inspectors/ (namespace "registries_api").
urlpatterns = [
    path("", views.InspectorListApi.as_view(), name="inspector_list"),
    path("create/", views.InspectorCreateApi.as_view(), name="inspector_create"),
    path("export/", views.InspectorExportApi.as_view(), name="inspector_export"),
    path("import/", views.RegistryImportApi.as_view(), name="inspector_import"),
    path("<int:inspector_id>/", views.InspectorDetailApi.as_view(), name="inspector_detail"),
    path("<int:inspector_id>/update/", views.InspectorUpdateApi.as_view(), name="inspector_update"),
    path(
        "<int:inspector_id>/certificate/",
        views.InspectorCertificateApi.as_view(),
        name="inspector_certificate",
    ),
    path(
        "<int:inspector_id>/eligibility/",
        views.InspectorEligibilityApi.as_view(),
        name="inspector_eligibility",
    ),
    path("experts/", views.ExpertListApi.as_view(), name="expert_list"),
    path("experts/create/", views.ExpertCreateApi.as_view(), name="expert_create"),
    path("experts/export/", views.ExpertExportApi.as_view(), name="expert_export"),
    path("experts/<int:expert_id>/", views.ExpertDetailApi.as_view(), name="expert_detail"),
    path("experts/<int:expert_id>/update/", views.ExpertUpdateApi.as_view(), name="expert_update"),
    path("recusals/", views.RecusalListApi.as_view(), name="recusal_list"),
    path("recusals/queue/", views.RecusalQueueApi.as_view(), name="recusal_queue"),
    path("recusals/declare/", views.RecusalDeclareApi.as_view(), name="recusal_declare"),
    path("recusals/<int:recusal_id>/", views.RecusalDetailApi.as_view(), name="recusal_detail"),
    path(
        "recusals/<int:recusal_id>/confirm/",
        views.RecusalConfirmApi.as_view(),
        name="recusal_confirm",
    ),
    path(
        "recusals/<int:recusal_id>/reject/", views.RecusalRejectApi.as_view(), name="recusal_reject"
    ),
    path("recusal-rules/", views.RecusalRuleListApi.as_view(), name="recusal_rule_list"),
    path("recusal-rules/<str:kind>/", views.RecusalRuleSetApi.as_view(), name="recusal_rule_set"),
]
