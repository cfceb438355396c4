from django.urls import include, path

urlpatterns = [
    path("", include("registries.objects.api.urls")),
    path("imports/", include("registries.objects.importing.api.urls")),
    path("inspectors/", include("registries.inspectors.api.urls")),
]
