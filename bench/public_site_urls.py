"""The project's URLs plus one bare cached "hello" page (the same page cache as the public site):
the baseline of bench/public_site.py."""

from django.http import HttpResponse
from django.urls import include, path

from publication.pagecache import public_page


@public_page
def hello(request):
    return HttpResponse("hello", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), path("", include("platform_site.urls"))]
