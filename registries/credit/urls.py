from django.urls import path

from registries.credit import views

urlpatterns = [
    path("risk-classes/import/", views.general_import_page, name="risk_class_import"),
    path("risk-classes/rules/", views.rules_page, name="risk_rules"),
]
