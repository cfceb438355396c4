from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import get_language
from django.views.i18n import set_language
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.urls import urlpatterns as accounts_urlpatterns
from platform_site import documents, views
from platform_site.health import check_database, check_redis
from platform_site.status import StatusApi


def healthz(request):
    checks = [check_database(), check_redis()]
    healthy = all(check.ok for check in checks)
    return JsonResponse(
        {"ok": healthy, "checks": {check.name: check.ok for check in checks}},
        status=200 if healthy else 503,
    )


class _SchemaAccess:
    """The schema and its docs are public in development and need a login in production
    (API_SCHEMA_REQUIRES_LOGIN)."""

    def get_permissions(self):
        required = IsAuthenticated if settings.API_SCHEMA_REQUIRES_LOGIN else AllowAny
        return [required()]


class SchemaView(_SchemaAccess, SpectacularAPIView):
    """The schema is generated once per process and language (it takes seconds and is the same
    for every caller), so that asking for it again and again costs the server nothing."""

    _generated: dict[tuple[str, str | None], dict] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (get_language(), version)
        if key not in self._generated:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(
            data=self._generated[key],
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )


class SwaggerView(_SchemaAccess, SpectacularSwaggerSplitView):
    """Swagger UI under the site's CSP: its init script is a second request to this view, and its
    assets come from drf-spectacular-sidecar's static files."""


class RedocView(_SchemaAccess, SpectacularRedocView):
    """Redoc from the sidecar's static file. Redoc writes its styles into <style> elements and
    runs its search in a worker made from a blob: URL, so this page alone (not the site) allows
    inline styles and blob: workers; scripts still come only from this site."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY_REDOC
        return response


# The role home pages and the status page gather panels from every app, so they live here, above
# the apps, while keeping their names in the "accounts" namespace (accounts:home, accounts:status).
accounts_pages = [
    *accounts_urlpatterns,
    path("workspace/", views.home, name="home"),
    path("status/", views.status, name="status"),
]

document_urls = [
    path(
        "<str:document_id>/status/",
        documents.document_status_view,
        name="document_status",
    ),
    path("<str:document_id>/file/", documents.document_file_view, name="document_file"),
]

api_v1: list[URLPattern | URLResolver] = [
    path("accounts/", include(("accounts.api.urls", "accounts_api"))),
    path("inbox/", include(("accounts.inbox.api_urls", "inbox_api"))),
    path("liaisons/", include(("accounts.liaison_api_urls", "liaisons_api"))),
    path("catalog/", include(("catalog.api.urls", "catalog_api"))),
    path("registries/", include(("registries.api.urls", "registries_api"))),
    path("plans/", include(("plans.api.urls", "plans_api"))),
    path("tasks/", include(("tasks.api.urls", "tasks_api"))),
    path("inspections/", include(("tasks.inspections.api.urls", "inspections_api"))),
    path("calendar/", include(("publication.calendar.api.urls", "publication_api"))),
    path("deadlines/", include(("publication.deadlines.api.urls", "deadlines_api"))),
    path("documents/", include(("platform_site.documents_api", "documents_api"))),
    path("status/", StatusApi.as_view(), name="status_api"),
]

urlpatterns = [
    path("", include("publication.urls")),
    path("", include((accounts_pages, "accounts"))),
    path("catalog/", include("catalog.urls")),
    path("registries/", include("registries.urls")),
    path("plans/", include("plans.urls")),
    path("tasks/", include("tasks.urls")),
    path("inspections/", include("tasks.inspections.urls")),
    path("indicators/", include("tasks.indicators.urls")),
    path("documents/", include((document_urls, "documents"))),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api_schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("api/redoc/", RedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
