from django.urls import include, path

urlpatterns = [
    path("", include("registries.api.object_urls")),
    path("imports/", include("registries.api.import_urls")),
    path("inspectors/", include("registries.api.inspector_urls")),
]
