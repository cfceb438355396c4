from django.apps import AppConfig
from django.core.checks import Error, register
from django.utils.translation import gettext_lazy as _


class PlatformSiteConfig(AppConfig):
    name = "platform_site"
    verbose_name = _("平台")

    def ready(self) -> None:
        # Each app declares its printable documents in its own documents.py (as admin.py does for
        # the admin); importing them fills the registry before the first request or job.
        from django.utils.module_loading import autodiscover_modules

        register(documents_root_outside_web_roots)
        # the audit log names every app's actions, and accounts (the ground floor) imports none
        from accounts.templatetags.audit import register_action_labels
        from platform_site.templatetags.readable import OTHER_ACTION_LABELS

        register_action_labels(OTHER_ACTION_LABELS)
        autodiscover_modules("documents")


def documents_root_outside_web_roots(app_configs, **kwargs):
    """Rendered documents are never stored where a web server serves files."""
    from pathlib import Path

    from django.conf import settings

    documents_root = Path(settings.DOCUMENTS_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        root = getattr(settings, name, None)
        if root and (
            documents_root == Path(root).resolve() or Path(root).resolve() in documents_root.parents
        ):
            errors.append(
                Error(
                    f"DOCUMENTS_ROOT ({documents_root}) lies inside {name}; rendered documents "
                    "must be served only through their permission check.",
                    id="platform_site.E001",
                )
            )
    return errors
