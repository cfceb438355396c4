from django.urls import path

from tasks.api import views

urlpatterns = [
    path("", views.TaskListApi.as_view(), name="task_list"),
    path("create/", views.TaskCreateApi.as_view(), name="task_create"),
    path("export/<str:export_format>/", views.TaskExportApi.as_view(), name="task_export"),
    path("<int:task_id>/update/", views.TaskUpdateApi.as_view(), name="task_update"),
    path("<int:task_id>/combine/", views.TaskCombineApi.as_view(), name="task_combine"),
    path("<int:task_id>/workload/", views.TaskWorkloadApi.as_view(), name="task_workload"),
    path("<int:task_id>/", views.TaskDetailApi.as_view(), name="task_detail"),
    path("<int:task_id>/submit/", views.TaskSubmitApi.as_view(), name="task_submit"),
    path("<int:task_id>/approve/", views.TaskApproveApi.as_view(), name="task_approve"),
    path("<int:task_id>/push/", views.TaskPushApi.as_view(), name="task_push"),
    path("<int:task_id>/start/", views.TaskStartApi.as_view(), name="task_start"),
    path("<int:task_id>/witness/", views.TaskWitnessGrantApi.as_view(), name="task_witness_grant"),
    path("policy/", views.TaskPolicyApi.as_view(), name="policy"),
    path("draws/stuck/", views.StuckDrawListApi.as_view(), name="draws_stuck"),
    path("<int:task_id>/draws/", views.TaskDrawListApi.as_view(), name="task_draws"),
    path(
        "reviews/<int:review_id>/confirm/", views.ReviewConfirmApi.as_view(), name="review_confirm"
    ),
    path("reviews/<int:review_id>/return/", views.ReviewReturnApi.as_view(), name="review_return"),
    path("draws/<int:draw_id>/", views.DrawDetailApi.as_view(), name="draw_detail"),
    path("draws/<int:draw_id>/reveal/", views.DrawRevealApi.as_view(), name="draw_reveal"),
    path("draws/<int:draw_id>/withdraw/", views.DrawWithdrawApi.as_view(), name="draw_withdraw"),
    path(
        "draws/<int:draw_id>/withdraw-request/",
        views.DrawWithdrawRequestApi.as_view(),
        name="draw_withdraw_request",
    ),
    path(
        "draws/<int:draw_id>/withdraw-decide/",
        views.DrawWithdrawDecideApi.as_view(),
        name="draw_withdraw_decide",
    ),
    path(
        "draws/<int:draw_id>/void-request/",
        views.DrawVoidRequestApi.as_view(),
        name="draw_void_request",
    ),
    path(
        "draws/<int:draw_id>/void-decide/",
        views.DrawVoidDecideApi.as_view(),
        name="draw_void_decide",
    ),
    path(
        "draws/<int:draw_id>/replacement/",
        views.DrawReplacementApi.as_view(),
        name="draw_replacement",
    ),
    path("draws/<int:draw_id>/bundle/", views.DrawBundleApi.as_view(), name="draw_bundle"),
    path("public/<str:code>/", views.PublicTaskApi.as_view(), name="public_task"),
    path(
        "public/<str:code>/draws/<int:number>/bundle/",
        views.PublicBundleApi.as_view(),
        name="public_bundle",
    ),
    path(
        "public/<str:code>/draws/<int:number>/announcement/",
        views.PublicAnnouncementApi.as_view(),
        name="public_announcement",
    ),
    path("verify/", views.VerifyApi.as_view(), name="verify"),
    path("verify/<uuid:token>/", views.VerifyResultApi.as_view(), name="verify_result"),
]
