from django.urls import path

from registries.objects.importing import views

# Included by registries.urls at "imports/" in the "registries" namespace.
urlpatterns = [
    path("", views.import_job_list, name="import_job_list"),
    path("new/", views.import_job_create_view, name="import_job_create"),
    path("template.csv", views.import_template, name="import_template"),
    path("<int:job_id>/", views.import_job_detail, name="import_job_detail"),
    path("<int:job_id>/progress/", views.import_job_progress, name="import_job_progress"),
    path("<int:job_id>/errors.csv", views.import_job_errors, name="import_job_errors"),
    path("<int:job_id>/retry/", views.import_job_retry_view, name="import_job_retry"),
]
