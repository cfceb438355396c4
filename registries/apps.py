from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    name = "registries"
    verbose_name = _("两库（检查对象与执法检查人员）")

    def ready(self) -> None:
        from registries.credit.views import fused_class_panel
        from registries.objects.panels import register_object_panel

        register_object_panel(fused_class_panel)
