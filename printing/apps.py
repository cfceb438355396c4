from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "printing"
    verbose_name = _("打印文书")

    def ready(self) -> None:
        # Each app declares its printable documents in its own documents.py (as admin.py does for
        # the admin); importing them here fills the registry before the first request or job.
        from django.utils.module_loading import autodiscover_modules

        from printing import checks  # noqa: F401

        autodiscover_modules("documents")
