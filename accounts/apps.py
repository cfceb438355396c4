from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与审计")

    def ready(self) -> None:
        # The admin app (first in INSTALLED_APPS) has imported every admin module by now.
        from django.contrib import admin

        from accounts.admin_audit import audit_every_admin

        audit_every_admin(admin.site)
