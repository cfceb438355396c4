from django.urls import path

from tasks.inspections.api import views

urlpatterns = [
    path("", views.InspectionListApi.as_view(), name="inspection_list"),
    path("groups/", views.GroupListApi.as_view(), name="group_list"),
    path("<int:inspection_id>/", views.InspectionDetailApi.as_view(), name="inspection_detail"),
    path(
        "<int:inspection_id>/schedule/",
        views.InspectionScheduleApi.as_view(),
        name="inspection_schedule",
    ),
    path(
        "<int:inspection_id>/combined-visits/",
        views.CombinedVisitProposeApi.as_view(),
        name="combined_visit_propose",
    ),
    path("records/<int:record_id>/", views.RecordDetailApi.as_view(), name="record_detail"),
    path("records/<int:record_id>/update/", views.RecordUpdateApi.as_view(), name="record_update"),
    path(
        "records/<int:record_id>/complete/",
        views.RecordCompleteApi.as_view(),
        name="record_complete",
    ),
    path(
        "records/<int:record_id>/attachments/",
        views.AttachmentUploadApi.as_view(),
        name="attachment_upload",
    ),
    path(
        "records/<int:record_id>/commissioned-checks/",
        views.CommissionedCheckCreateApi.as_view(),
        name="commissioned_check_create",
    ),
    path(
        "commissioned-checks/<int:check_id>/conclude/",
        views.CommissionedCheckConcludeApi.as_view(),
        name="commissioned_check_conclude",
    ),
    path(
        "attachments/<int:attachment_id>/",
        views.AttachmentDownloadApi.as_view(),
        name="attachment_download",
    ),
    path(
        "attachments/<int:attachment_id>/withdraw/",
        views.AttachmentWithdrawApi.as_view(),
        name="attachment_withdraw",
    ),
    path("results/<int:result_id>/", views.ResultDetailApi.as_view(), name="result_detail"),
    path(
        "results/<int:result_id>/compile/", views.ResultCompileApi.as_view(), name="result_compile"
    ),
    path("results/<int:result_id>/submit/", views.ResultSubmitApi.as_view(), name="result_submit"),
    path(
        "results/<int:result_id>/approve/", views.ResultApproveApi.as_view(), name="result_approve"
    ),
    path("results/<int:result_id>/return/", views.ResultReturnApi.as_view(), name="result_return"),
    path(
        "results/<int:result_id>/publish/", views.ResultPublishApi.as_view(), name="result_publish"
    ),
    path(
        "results/<int:result_id>/correct/", views.ResultCorrectApi.as_view(), name="result_correct"
    ),
    path(
        "results/<int:result_id>/versions/",
        views.ResultVersionListApi.as_view(),
        name="result_versions",
    ),
    path(
        "results/<int:result_id>/measures/",
        views.MeasureCreateApi.as_view(),
        name="measure_create",
    ),
    path("measures/", views.MeasureListApi.as_view(), name="measure_list"),
    path("measures/<int:measure_id>/", views.MeasureDetailApi.as_view(), name="measure_detail"),
    path(
        "measures/<int:measure_id>/acknowledge/",
        views.MeasureAcknowledgeApi.as_view(),
        name="measure_acknowledge",
    ),
    path(
        "measures/<int:measure_id>/recheck/",
        views.MeasureRecheckApi.as_view(),
        name="measure_recheck",
    ),
    path("measures/<int:measure_id>/close/", views.MeasureCloseApi.as_view(), name="measure_close"),
    path(
        "measures/<int:measure_id>/attachments/",
        views.MeasureAttachmentUploadApi.as_view(),
        name="measure_attachment_upload",
    ),
    path("combined-visits/", views.CombinedVisitListApi.as_view(), name="combined_visit_list"),
    path(
        "combined-visits/<int:visit_id>/accept/",
        views.CombinedVisitAcceptApi.as_view(),
        name="combined_visit_accept",
    ),
    path(
        "combined-visits/<int:visit_id>/decline/",
        views.CombinedVisitDeclineApi.as_view(),
        name="combined_visit_decline",
    ),
    path(
        "combined-visits/<int:visit_id>/cancel/",
        views.CombinedVisitCancelApi.as_view(),
        name="combined_visit_cancel",
    ),
]
