from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from accounts import liaison_views, views

app_name = "accounts"

# The role home page ("home", workspace/) and the status page ("status", status/) are in this
# namespace too, but live in platform_site/views.py: they gather panels from every app.

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:department_id>/", views.department_detail, name="department_detail"),
    path(
        "departments/<int:department_id>/liaison/",
        liaison_views.department_liaison,
        name="department_liaison",
    ),
    path("contacts/", liaison_views.contact_directory_view, name="contact_directory"),
    path(
        "departments/<int:department_id>/accounts/new/", views.account_create, name="account_create"
    ),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("accounts/<int:account_id>/freeze/", views.account_freeze, name="account_freeze"),
    path("accounts/<int:account_id>/unfreeze/", views.account_unfreeze, name="account_unfreeze"),
    path("accounts/<int:account_id>/reissue/", views.account_reissue, name="account_reissue"),
    path(
        "accounts/<int:account_id>/reset-password/",
        views.account_reset_password,
        name="account_reset_password",
    ),
    path("audit/", views.audit_list, name="audit_list"),
    path("", include("accounts.inbox.urls")),
]
