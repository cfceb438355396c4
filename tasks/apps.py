from django.apps import AppConfig
from django.core.checks import Error, register
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("联合抽查任务")

    def ready(self) -> None:
        from registries.objects.panels import register_object_panel
        from tasks.inspections import documents  # noqa: F401 (the filled forms' kinds)
        from tasks.inspections.selectors import object_history_panel

        register_object_panel(object_history_panel)
        from tasks.indicators.credit import register as register_credit_signals

        register_credit_signals()
        register(attachments_root_outside_web_roots)


def attachments_root_outside_web_roots(app_configs, **kwargs):
    """Inspection attachments are never stored where a web server serves files (MEDIA_ROOT is
    served under /media/ in development)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.ATTACHMENT_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        served = getattr(settings, name, None)
        if served and (root == Path(served).resolve() or Path(served).resolve() in root.parents):
            errors.append(
                Error(
                    f"ATTACHMENT_ROOT ({root}) lies inside {name}; attachments must be served "
                    "only through their permission check.",
                    id="tasks.E001",
                )
            )
    return errors
