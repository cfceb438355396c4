from django.urls import include, path

app_name = "registries"

# Objects, the batch import and inspectors are built in separate modules.
urlpatterns = [
    path("", include("registries.object_urls")),
    path("imports/", include("registries.import_urls")),
    path("inspectors/", include("registries.inspector_urls")),
    path("", include("registries.credit.urls")),
]
