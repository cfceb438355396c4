from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicSiteConfig(AppConfig):
    name = "publication.site"
    label = "publicsite"
    verbose_name = _("公开网站")

    def ready(self) -> None:
        from publication.site import receivers  # noqa: F401  (connects the signals)
