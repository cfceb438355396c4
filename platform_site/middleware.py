from django.conf import settings
from django.http import HttpResponseServerError


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header: every script and style comes from this site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class FriendlyErrorPagesMiddleware:
    """With DEBUG on (`make run`), Django answers a missing page or a crash with its debug pages,
    which list every URL pattern and are unstyled under the CSP. The site's own 404/500 pages are
    shown instead, unless a developer asks for the debug pages (DEBUG_ERROR_PAGES=1). Without
    DEBUG, Django's handlers already use templates/404.html and 500.html."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not settings.DEBUG_ERROR_PAGES
            and response.status_code in (404, 500)
            and response.get("Content-Type", "").startswith("text/html")
            and not response.headers.get("X-Site-Error-Page")
        ):
            from django.shortcuts import render
            from django.template.loader import render_to_string

            if response.status_code == 404:
                page = render(request, "404.html", status=404)
            else:
                page = HttpResponseServerError(render_to_string("500.html"))
            page.headers["X-Site-Error-Page"] = "1"
            return page
        return response
