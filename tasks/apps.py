from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("联合抽查任务")

    def ready(self) -> None:
        from registries.object_panels import register_object_panel
        from tasks.inspections.selectors import object_history_panel

        register_object_panel(object_history_panel)
