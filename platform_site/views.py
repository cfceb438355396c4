"""Pages that gather panels from several apps: the role home pages and the status page.

They keep their historical URL names in the "accounts" namespace (see platform_site/urls.py), so
links and redirects elsewhere are unchanged, while `accounts/` imports nothing above it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import office_only
from platform_site.dashboards import dashboard_for
from platform_site.status import status_panels


@login_required
def home(request):
    return render(request, "platform_site/home.html", dashboard_for(request.user))


@login_required
@office_only
def status(request):
    return render(request, "platform_site/status.html", status_panels())
