from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("password/", views.PasswordChangeApi.as_view(), name="password_change"),
    path("departments/", views.DepartmentListApi.as_view(), name="department_list"),
    path("departments/create/", views.DepartmentCreateApi.as_view(), name="department_create"),
    path(
        "departments/<int:department_id>/accounts/",
        views.DepartmentAccountListApi.as_view(),
        name="department_accounts",
    ),
    path(
        "departments/<int:department_id>/accounts/create/",
        views.AccountCreateApi.as_view(),
        name="account_create",
    ),
    path("accounts/<int:account_id>/", views.AccountDetailApi.as_view(), name="account_detail"),
    path(
        "accounts/<int:account_id>/freeze/", views.AccountFreezeApi.as_view(), name="account_freeze"
    ),
    path(
        "accounts/<int:account_id>/unfreeze/",
        views.AccountUnfreezeApi.as_view(),
        name="account_unfreeze",
    ),
    path(
        "accounts/<int:account_id>/reissue/",
        views.AccountReissueApi.as_view(),
        name="account_reissue",
    ),
    path("audit/events/", views.AuditEventListApi.as_view(), name="audit_events"),
    path(
        "audit/events/export/<str:export_format>/",
        views.AuditEventExportApi.as_view(),
        name="audit_export",
    ),
    path("audit/head/", views.AuditHeadApi.as_view(), name="audit_head"),
    path("audit/checkpoint/", views.AuditCheckpointApi.as_view(), name="audit_checkpoint"),
]
