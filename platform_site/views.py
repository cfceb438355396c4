"""Pages that gather panels from several apps: the role home pages and the status page.

They keep their historical URL names in the "accounts" namespace (see platform_site/urls.py), so
links and redirects elsewhere are unchanged, while `accounts/` imports nothing above it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.audit import chain_head
from accounts.liaisons import departments_without_liaison
from accounts.nightly import nightly_checks
from accounts.roles import office_only
from platform_site.dashboards import dashboard_for
from platform_site.health import platform_checks
from publication.calendar import calendar_coverage
from tasks.selectors import draws_stuck_in_drawing, stuck_draw_minutes


@login_required
def home(request):
    return render(request, "platform_site/home.html", dashboard_for(request.user))


@login_required
@office_only
def status(request):
    return render(
        request,
        "platform_site/status.html",
        {
            "checks": platform_checks() + nightly_checks(),
            "head": chain_head(),
            "coverage": calendar_coverage(),
            "stuck_draws": list(draws_stuck_in_drawing()),
            "stuck_minutes": stuck_draw_minutes(),
            "without_liaison": departments_without_liaison(),
        },
    )
