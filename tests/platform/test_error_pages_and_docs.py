"""The site's own error pages (also under DEBUG, unless a developer asks for Django's) and the API
docs pages, whose assets are local and allowed by the CSP."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import path

from platform_site import urls as site_urls


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", _crash), *site_urls.urlpatterns]


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_page_is_the_sites_own_404(client_for, staff_a, debug):
    with override_settings(DEBUG=debug):
        response = client_for(staff_a).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-status="404"' in page and "回到工作台" in page
    assert "URLconf" not in page and "tasks/<int:task_id>" not in page


def test_developers_get_the_debug_page_when_they_ask(client_for, staff_a):
    with override_settings(DEBUG=True, DEBUG_ERROR_PAGES=True):
        response = client_for(staff_a).get("/no-such-page/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_a_crash_is_the_sites_own_500(client_for, staff_a, debug):
    client = client_for(staff_a)
    client.raise_request_exception = False
    with override_settings(DEBUG=debug):
        response = client.get("/crash/")
    assert response.status_code == 500
    page = response.content.decode()
    assert 'data-status="500"' in page and "Traceback" not in page and "boom" not in page


def test_a_refusal_is_the_sites_own_403(rf, staff_a):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = staff_a
    denied = permission_denied(request, PermissionDenied("本部门的对象才可修改。"))
    page = denied.content.decode()
    assert denied.status_code == 403 and 'data-status="403"' in page
    assert "本部门的对象才可修改。" in page


def test_swagger_ui_loads_only_local_scripts_under_the_site_csp(client_for):
    client = client_for(None)
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "<style>" not in html and "https://" not in html
    assert "script-src 'self';" in page["Content-Security-Policy"]
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def test_redoc_loads_its_local_script_and_only_its_page_allows_inline_styles(client_for):
    client = client_for(None)
    page = client.get("/api/redoc/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert "<script>" not in html and "fonts.googleapis.com" not in html
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "worker-src blob:" in policy
    assert "'unsafe-inline'" not in client.get("/api/docs/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"]


def test_the_favicon_is_served(client_for):
    html = client_for(None).get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html


def test_every_reference_in_the_api_schema_resolves(client_for):
    # a dangling $ref (a component renamed by ENUM_NAME_OVERRIDES) stops Redoc with "Invalid
    # reference token" although the schema generates without a warning
    response = client_for(None).get("/api/schema/", {"format": "json"})
    schema = json.loads(response.content)
    references = set(
        re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', response.content.decode())
    )
    assert references
    assert references - set(schema["components"]["schemas"]) == set()
