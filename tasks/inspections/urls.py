from django.urls import path

from tasks.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_home_view, name="home"),
    path(
        "tasks/<int:task_id>/groups/<str:group_id>/",
        views.group_detail_view,
        name="group_detail",
    ),
    path(
        "tasks/<int:task_id>/groups/<str:group_id>/schedule/",
        views.group_schedule_view,
        name="group_schedule",
    ),
    path("<int:inspection_id>/", views.inspection_detail_view, name="inspection_detail"),
    path("<int:inspection_id>/compile/", views.result_compile_view, name="result_compile"),
    path("<int:inspection_id>/submit/", views.result_submit_view, name="result_submit"),
    path("<int:inspection_id>/approve/", views.result_approve_view, name="result_approve"),
    path("<int:inspection_id>/return/", views.result_return_view, name="result_return"),
    path("<int:inspection_id>/publish/", views.result_publish_view, name="result_publish"),
    path("<int:inspection_id>/correct/", views.result_correct_view, name="result_correct"),
    path("<int:inspection_id>/measures/", views.measure_add_view, name="measure_add"),
    path("<int:inspection_id>/combine/", views.combine_propose_view, name="combine_propose"),
    path("combined/<int:visit_id>/accept/", views.combined_accept_view, name="combined_accept"),
    path("combined/<int:visit_id>/decline/", views.combined_decline_view, name="combined_decline"),
    path("combined/<int:visit_id>/cancel/", views.combined_cancel_view, name="combined_cancel"),
    path("records/<int:record_id>/", views.record_view, name="record"),
    path("records/<int:record_id>/record.pdf", views.record_pdf_view, name="record_pdf"),
    path(
        "records/<int:record_id>/attachments/",
        views.record_attachment_view,
        name="record_attachment",
    ),
    path(
        "records/<int:record_id>/commissions/",
        views.record_commission_view,
        name="record_commission",
    ),
    path(
        "commissions/<int:check_id>/conclude/",
        views.commission_conclude_view,
        name="commission_conclude",
    ),
    path("attachments/<int:attachment_id>/", views.attachment_download_view, name="attachment"),
    path(
        "attachments/<int:attachment_id>/withdraw/",
        views.attachment_withdraw_view,
        name="attachment_withdraw",
    ),
    path("measures/", views.measure_list_view, name="measure_list"),
    path("measures/<int:measure_id>/", views.measure_detail_view, name="measure_detail"),
    path(
        "measures/<int:measure_id>/rectification.pdf",
        views.rectification_pdf_view,
        name="rectification_pdf",
    ),
    path(
        "measures/<int:measure_id>/acknowledge/",
        views.measure_acknowledge_view,
        name="measure_acknowledge",
    ),
    path("measures/<int:measure_id>/recheck/", views.measure_recheck_view, name="measure_recheck"),
    path("measures/<int:measure_id>/close/", views.measure_close_view, name="measure_close"),
    path(
        "measures/<int:measure_id>/attachments/",
        views.measure_attachment_view,
        name="measure_attachment",
    ),
]
