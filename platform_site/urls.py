from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.urls import urlpatterns as accounts_urlpatterns
from platform_site import views
from platform_site.health import check_database, check_redis


def healthz(request):
    checks = [check_database(), check_redis()]
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {"ok": healthy, "checks": {check.name: check.ok for check in checks}},
        status=200 if healthy else 503,
    )


# The role home pages and the status page gather panels from every app, so they live here, above
# the apps, while keeping their names in the "accounts" namespace (accounts:home, accounts:status).
accounts_pages = [
    *accounts_urlpatterns,
    path("workspace/", views.home, name="home"),
    path("status/", views.status, name="status"),
]

api_v1 = [
    path("accounts/", include(("accounts.api.urls", "accounts_api"))),
    path("catalog/", include(("catalog.api.urls", "catalog_api"))),
    path("registries/", include(("registries.api.urls", "registries_api"))),
    path("plans/", include(("plans.api.urls", "plans_api"))),
    path("tasks/", include(("tasks.api.urls", "tasks_api"))),
    path("calendar/", include(("publication.calendar.api.urls", "publication_api"))),
]

urlpatterns = [
    path("", include("publication.urls")),
    path("", include((accounts_pages, "accounts"))),
    path("catalog/", include("catalog.urls")),
    path("registries/", include("registries.urls")),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
