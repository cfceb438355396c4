from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "publication"
    verbose_name = _("公开与工作日历")

    def import_models(self) -> None:
        super().import_models()
        # The public site's tables: models of this app, kept with the public site because they
        # use the tasks app, which publication/models.py (below it) may not.
        from publication.site import models  # noqa: F401

    def ready(self) -> None:
        from publication import receivers  # noqa: F401  (connects the signals)
        from publication.site import receivers as site_receivers  # noqa: F401
