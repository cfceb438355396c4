"""The API's authentication classes: DRF's session and HTTP Basic authentication, refusing an account
that still holds a one-time password. Such an account may call nothing but the password change
(views that set ``allowed_with_temporary_password = True``), exactly as the pages only open the
password change page to it (accounts.middleware)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions


class PasswordChangeRequired(exceptions.PermissionDenied):
    default_detail = _("请先修改初始密码或临时密码，之后才能使用其他功能。")
    default_code = "password_change_required"


class _RefuseTemporaryPassword(authentication.BaseAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if user.must_change_password and not getattr(
            view, "allowed_with_temporary_password", False
        ):
            raise PasswordChangeRequired
        return result


class SessionAuthentication(_RefuseTemporaryPassword, authentication.SessionAuthentication):
    pass


class BasicAuthentication(_RefuseTemporaryPassword, authentication.BasicAuthentication):
    pass


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class BasicScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}
