from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = _("公开与工作日历")

    def ready(self) -> None:
        from publication import receivers  # noqa: F401  (connects the signals)
        from publication.site import receivers as site_receivers  # noqa: F401
