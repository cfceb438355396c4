from django.urls import path

from registries.objects.importing.api import views

# Included by registries.api.urls at "imports/" (namespace "registries_api").
urlpatterns = [
    path("", views.ImportJobListApi.as_view(), name="import_job_list"),
    path("create/", views.ImportJobCreateApi.as_view(), name="import_job_create"),
    path("template/", views.ImportTemplateApi.as_view(), name="import_template"),
    path("<int:job_id>/", views.ImportJobDetailApi.as_view(), name="import_job_detail"),
    path("<int:job_id>/errors/", views.ImportJobErrorsApi.as_view(), name="import_job_errors"),
    path("<int:job_id>/retry/", views.ImportJobRetryApi.as_view(), name="import_job_retry"),
]
