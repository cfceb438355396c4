from django.urls import path

from catalog.api import views

urlpatterns = [
    path("matters/", views.MatterListApi.as_view(), name="matter_list"),
    path(
        "matters/export/<str:export_format>/", views.MatterExportApi.as_view(), name="matter_export"
    ),
    path("matters/create/", views.MatterCreateApi.as_view(), name="matter_create"),
    path("matters/<int:matter_id>/", views.MatterDetailApi.as_view(), name="matter_detail"),
    path("matters/<int:matter_id>/update/", views.MatterUpdateApi.as_view(), name="matter_update"),
    path("matters/<int:matter_id>/retire/", views.MatterRetireApi.as_view(), name="matter_retire"),
    path(
        "matters/<int:matter_id>/check-points/",
        views.MatterCheckPointsSetApi.as_view(),
        name="matter_check_points",
    ),
    path(
        "matters/<int:matter_id>/revisions/",
        views.MatterRevisionListApi.as_view(),
        name="matter_revisions",
    ),
    path("proposals/", views.ProposalListApi.as_view(), name="proposal_list"),
    path("proposals/submit/", views.ProposalSubmitApi.as_view(), name="proposal_submit"),
    path("proposals/<int:proposal_id>/", views.ProposalDetailApi.as_view(), name="proposal_detail"),
    path(
        "proposals/<int:proposal_id>/accept/",
        views.ProposalAcceptApi.as_view(),
        name="proposal_accept",
    ),
    path(
        "proposals/<int:proposal_id>/reject/",
        views.ProposalRejectApi.as_view(),
        name="proposal_reject",
    ),
    path("imports/", views.ImportListApi.as_view(), name="import_list"),
    path("imports/preview/", views.ImportPreviewApi.as_view(), name="import_preview"),
    path("imports/<int:import_id>/", views.ImportDetailApi.as_view(), name="import_detail"),
    path("imports/<int:import_id>/apply/", views.ImportApplyApi.as_view(), name="import_apply"),
    path(
        "imports/<int:import_id>/discard/", views.ImportDiscardApi.as_view(), name="import_discard"
    ),
    path("public/matters/", views.PublicMatterListApi.as_view(), name="public_matter_list"),
    path(
        "public/matters/<int:matter_id>/",
        views.PublicMatterDetailApi.as_view(),
        name="public_matter_detail",
    ),
]
