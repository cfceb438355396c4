"""Peak production seasons that plan schedules avoid (000 art. 11)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import services
from plans.exports import peak_season_export_response
from plans.forms import (
    PeakSeasonForm,
)
from plans.permissions import (
    access_peak_season_for_user,
    can_manage_plans,
)
from plans.selectors import (
    peak_season_list,
)
from plans.views._common import add_form_errors, office_only


@login_required
def peak_season_list_view(request):
    seasons = peak_season_list()
    if request.GET.get("format") == "csv":
        return peak_season_export_response(seasons)
    return render(
        request,
        "plans/peak_season_list.html",
        {"seasons": seasons, "can_manage": can_manage_plans(request.user)},
    )


@office_only
@require_http_methods(["GET", "POST"])
def peak_season_create(request):
    form = PeakSeasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            services.peak_season_create(created_by=request.user, **data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已添加生产经营旺季。"))
            return redirect("plans:peak_season_list")
    return render(request, "plans/peak_season_form.html", {"form": form, "season": None})


@office_only
@require_http_methods(["GET", "POST"])
def peak_season_edit(request, season_id: int):
    season = access_peak_season_for_user(request.user, season_id)
    initial = {
        "industry_prefix": season.industry_prefix,
        "months": season.months,
        "note": season.note,
        "is_active": season.is_active,
    }
    form = PeakSeasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.peak_season_update(season=season, updated_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("plans:peak_season_list")
    return render(request, "plans/peak_season_form.html", {"form": form, "season": season})


@office_only
@require_POST
def peak_season_delete(request, season_id: int):
    season = access_peak_season_for_user(request.user, season_id)
    services.peak_season_delete(season=season, deleted_by=request.user)
    messages.success(request, _("已删除。"))
    return redirect("plans:peak_season_list")
