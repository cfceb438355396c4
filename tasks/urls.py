from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list_view, name="task_list"),
    path("new/", views.task_create_view, name="task_create"),
    path("new/estimate/", views.task_estimate_view, name="task_estimate"),
    path("<int:task_id>/", views.task_detail_view, name="task_detail"),
    path("<int:task_id>/edit/", views.task_edit_view, name="task_edit"),
    path("<int:task_id>/submit/", views.task_submit_view, name="task_submit"),
    path("<int:task_id>/approve/", views.task_approve_view, name="task_approve"),
    path("<int:task_id>/push/", views.task_push_view, name="task_push"),
    path("<int:task_id>/start/", views.task_start_view, name="task_start"),
    path("<int:task_id>/witness/", views.task_witness_grant_view, name="task_witness_grant"),
    path("policy/", views.policy_view, name="policy"),
    path("reviews/<int:review_id>/confirm/", views.review_confirm_view, name="review_confirm"),
    path("reviews/<int:review_id>/return/", views.review_return_view, name="review_return"),
    path("draws/<int:draw_id>/", views.draw_detail_view, name="draw_detail"),
    path("draws/<int:draw_id>/reveal/", views.draw_reveal_view, name="draw_reveal"),
    path("draws/<int:draw_id>/withdraw/", views.draw_withdraw_view, name="draw_withdraw"),
    path(
        "draws/<int:draw_id>/withdraw-request/",
        views.draw_withdraw_request_view,
        name="draw_withdraw_request",
    ),
    path(
        "draws/<int:draw_id>/withdraw-decide/",
        views.draw_withdraw_decide_view,
        name="draw_withdraw_decide",
    ),
    path(
        "draws/<int:draw_id>/void-request/", views.draw_void_request_view, name="draw_void_request"
    ),
    path("draws/<int:draw_id>/void-decide/", views.draw_void_decide_view, name="draw_void_decide"),
    path("draws/<int:draw_id>/replacement/", views.draw_replacement_view, name="draw_replacement"),
    path("draws/<int:draw_id>/bundle.json", views.draw_bundle_view, name="draw_bundle"),
    path("draws/<int:draw_id>/record.pdf", views.draw_pdf_view, name="draw_pdf"),
    path("<int:task_id>/notices.pdf", views.notices_pdf_view, name="notices_pdf"),
    path("objects/<int:drawn_object_id>/notice.pdf", views.notice_pdf_view, name="notice_pdf"),
    path(
        "objects/<int:drawn_object_id>/onsite-record.pdf",
        views.onsite_record_pdf_view,
        name="onsite_record_pdf",
    ),
    path(
        "objects/<int:drawn_object_id>/rectification.pdf",
        views.rectification_pdf_view,
        name="rectification_pdf",
    ),
    path("public/<str:code>/", views.public_task_view, name="public_task"),
    path(
        "public/<str:code>/draws/<int:number>/bundle.json",
        views.public_bundle_view,
        name="public_bundle",
    ),
    path(
        "public/<str:code>/draws/<int:number>/announcement.json",
        views.public_announcement_view,
        name="public_announcement",
    ),
    path("verify/", views.verify_view, name="verify"),
    path("verify/<uuid:token>/", views.verify_result_view, name="verify_result"),
]
