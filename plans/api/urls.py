from django.urls import path

from plans.api import views

urlpatterns = [
    path("years/", views.PlanYearListApi.as_view(), name="year_list"),
    path("years/open/", views.PlanYearOpenApi.as_view(), name="year_open"),
    path("years/<int:year>/", views.PlanYearDetailApi.as_view(), name="year_detail"),
    path("years/<int:year>/items/", views.PlanItemListApi.as_view(), name="item_list"),
    path(
        "years/<int:year>/items/export/<str:export_format>/",
        views.PlanItemExportApi.as_view(),
        name="item_export",
    ),
    path("years/<int:year>/items/create/", views.PlanItemCreateApi.as_view(), name="item_create"),
    path(
        "years/<int:year>/items/estimate/",
        views.PlanItemEstimateApi.as_view(),
        name="item_estimate",
    ),
    path(
        "years/<int:year>/submissions/",
        views.DepartmentSubmissionListApi.as_view(),
        name="submission_list",
    ),
    path(
        "years/<int:year>/submit/",
        views.PlanDepartmentSubmitApi.as_view(),
        name="department_submit",
    ),
    path(
        "years/<int:year>/departments/<int:department_id>/return/",
        views.PlanDepartmentReturnApi.as_view(),
        name="department_return",
    ),
    path("years/<int:year>/compile/", views.PlanCompileApi.as_view(), name="compile"),
    path("years/<int:year>/indicators/", views.PlanIndicatorsApi.as_view(), name="indicators"),
    path("years/<int:year>/merges/", views.MergeProposalListApi.as_view(), name="merge_list"),
    path(
        "years/<int:year>/merges/propose/",
        views.PlanProposeMergesApi.as_view(),
        name="propose_merges",
    ),
    path(
        "years/<int:year>/submit-for-approval/",
        views.PlanSubmitForApprovalApi.as_view(),
        name="submit_for_approval",
    ),
    path("years/<int:year>/approve/", views.PlanApproveApi.as_view(), name="approve"),
    path("years/<int:year>/return/", views.PlanReturnApi.as_view(), name="return"),
    path("years/<int:year>/publish/", views.PlanPublishApi.as_view(), name="publish"),
    path("years/<int:year>/adjust/", views.PlanAdjustStartApi.as_view(), name="adjust"),
    path("years/<int:year>/versions/", views.PlanVersionListApi.as_view(), name="version_list"),
    path(
        "years/<int:year>/versions/<int:number>/",
        views.PlanVersionDetailApi.as_view(),
        name="version_detail",
    ),
    path("items/<int:item_id>/", views.PlanItemDetailApi.as_view(), name="item_detail"),
    path("items/<int:item_id>/update/", views.PlanItemUpdateApi.as_view(), name="item_update"),
    path("items/<int:item_id>/delete/", views.PlanItemDeleteApi.as_view(), name="item_delete"),
    path(
        "merges/<int:proposal_id>/update/",
        views.MergeProposalUpdateApi.as_view(),
        name="merge_update",
    ),
    path(
        "merges/<int:proposal_id>/accept/",
        views.MergeProposalAcceptApi.as_view(),
        name="merge_accept",
    ),
    path(
        "merges/<int:proposal_id>/reject/",
        views.MergeProposalRejectApi.as_view(),
        name="merge_reject",
    ),
    path("public/", views.PublicPlanListApi.as_view(), name="public_list"),
    path("public/<int:year>/", views.PublicPlanDetailApi.as_view(), name="public_detail"),
    path("peak-seasons/", views.PeakSeasonListApi.as_view(), name="peak_season_list"),
    path(
        "peak-seasons/export/<str:export_format>/",
        views.PeakSeasonExportApi.as_view(),
        name="peak_season_export",
    ),
    path("peak-seasons/create/", views.PeakSeasonCreateApi.as_view(), name="peak_season_create"),
    path(
        "peak-seasons/<int:season_id>/update/",
        views.PeakSeasonUpdateApi.as_view(),
        name="peak_season_update",
    ),
    path(
        "peak-seasons/<int:season_id>/delete/",
        views.PeakSeasonDeleteApi.as_view(),
        name="peak_season_delete",
    ),
]
