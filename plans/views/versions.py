"""Approved versions and their documents, for signed-in users and (published) for citizens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from plans.documents import render_version_xlsx, version_filename
from plans.permissions import (
    access_plan_year_for_user,
    access_public_version,
    access_version_for_user,
)
from plans.selectors import (
    public_plan_years,
    public_version_history,
)
from plans.snapshot import readable_snapshot
from platform_site.documents import document_response


def _pdf_response(request, version) -> HttpResponseBase:
    """The cached PDF of the version, or the "正在生成…" page while the job renders it."""
    return document_response(
        request,
        "plans.plan_version",
        {"year": version.plan_year.year, "number": version.number},
    )


def _xlsx_response(version) -> HttpResponse:
    response = HttpResponse(
        render_version_xlsx(version),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{version_filename(version, "xlsx")}"'
    return response


@login_required
def version_detail(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    return render(
        request,
        "plans/version_detail.html",
        {
            "plan_year": plan_year,
            "version": version,
            "snapshot": readable_snapshot(version.snapshot),
        },
    )


@login_required
def version_pdf(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    if not version.approved_at:
        raise Http404
    return _pdf_response(request, version)


@login_required
def version_xlsx(request, year: int, number: int):
    plan_year = access_plan_year_for_user(request.user, year)
    version = access_version_for_user(request.user, plan_year, number)
    if not version.approved_at:
        raise Http404
    return _xlsx_response(version)


# --- public site (no login) ------------------------------------------------------------------


def public_list(request):
    return render(request, "plans/public_list.html", {"plan_years": public_plan_years()})


def public_detail(request, year: int, number: int | None = None):
    version = access_public_version(year, number)
    plan_year = version.plan_year
    return render(
        request,
        "plans/public_detail.html",
        {
            "plan_year": plan_year,
            "version": version,
            "snapshot": readable_snapshot(version.snapshot),
            "history": public_version_history(plan_year),
            "is_current": version.pk == plan_year.current_version_id,
        },
    )


def public_pdf(request, year: int, number: int | None = None):
    return _pdf_response(request, access_public_version(year, number))


def public_xlsx(request, year: int, number: int | None = None):
    return _xlsx_response(access_public_version(year, number))
