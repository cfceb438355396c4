from django.urls import include, path

app_name = "registries"

# Objects, the batch import and inspectors are built in separate modules.
urlpatterns = [
    path("", include("registries.objects.urls")),
    path("imports/", include("registries.objects.importing.urls")),
    path("inspectors/", include("registries.inspectors.urls")),
    path("", include("registries.credit.urls")),
]
