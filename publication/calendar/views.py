"""The office's working-calendar pages. Thin: parse, call one service, render.

Only joint-meeting office admins see them; everyone else gets the same 404 as for a missing page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_office_admin, refuse_page_unless
from platform_site.web import errors_to_messages, form_errors_to_messages
from publication.calendar import (
    calendar_day_clear,
    calendar_day_set,
    calendar_days_for_year,
    calendar_year_grid,
    calendar_year_import,
    calendar_year_import_preview,
    calendar_year_list,
    calendar_year_mark_fallback,
    calendar_year_mark_official,
    shanghai_today,
    year_status,
)
from publication.calendar.forms import (
    CalendarDayClearForm,
    CalendarDayForm,
    CalendarImportConfirmForm,
    CalendarImportForm,
    CalendarYearChoiceForm,
    CalendarYearStatusForm,
)
from publication.models import CalendarYearStatus


def _office_only(user) -> None:
    refuse_page_unless(is_office_admin, user)


def _year_from(data, default: int) -> int:
    form = CalendarYearChoiceForm(data)
    return form.cleaned_data["year"] if form.is_valid() else default


def _calendar_url(year: int) -> str:
    return f"{reverse('publication:calendar')}?year={year}"


@login_required
def calendar_index(request):
    _office_only(request.user)
    year = _year_from(request.GET, shanghai_today().year)
    coverage = year_status(year)
    context = {
        "year": year,
        "coverage": coverage,
        "months": calendar_year_grid(year),
        "days": calendar_days_for_year(year),
        "years": calendar_year_list(),
        "day_form": CalendarDayForm(),
        "status_form": CalendarYearStatusForm(
            initial={
                "status": CalendarYearStatus.FALLBACK
                if coverage.has_official_data
                else CalendarYearStatus.OFFICIAL
            }
        ),
        "previous_year": year - 1,
        "next_year": year + 1,
        "today": shanghai_today(),
    }
    return render(request, "publication/calendar.html", context)


@login_required
@require_POST
def calendar_day(request):
    """Set (action=set) or clear (action=clear) one date's override."""
    _office_only(request.user)
    clearing = request.POST.get("action") == "clear"
    form = CalendarDayClearForm(request.POST) if clearing else CalendarDayForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return redirect(_calendar_url(_year_from(request.POST, shanghai_today().year)))
    day = form.cleaned_data["date"]
    try:
        if clearing:
            calendar_day_clear(day=day, cleared_by=request.user)
            messages.success(request, _("已清除 %(date)s 的特殊安排。") % {"date": day.isoformat()})
        else:
            calendar_day_set(
                day=day,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                set_by=request.user,
            )
            messages.success(request, _("已保存 %(date)s 的安排。") % {"date": day.isoformat()})
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
    return redirect(_calendar_url(day.year))


@login_required
@require_POST
def calendar_year_status(request, year: int):
    _office_only(request.user)
    form = CalendarYearStatusForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["status"] == CalendarYearStatus.OFFICIAL:
                calendar_year_mark_official(
                    year=year, confirmed_by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("%(year)d 年已标记为官方安排。") % {"year": year})
            else:
                calendar_year_mark_fallback(
                    year=year, marked_by=request.user, note=form.cleaned_data["note"]
                )
                messages.warning(
                    request, _("%(year)d 年已标记为无官方数据（仅周末休息）。") % {"year": year}
                )
        except (ValidationError, PermissionDenied) as error:
            errors_to_messages(request, error)
    else:
        form_errors_to_messages(request, form)
    return redirect(_calendar_url(year))


@login_required
@require_http_methods(["GET", "POST"])
def calendar_import(request):
    """Two steps: paste or upload the schedule and see what would change; then confirm."""
    _office_only(request.user)
    if request.method == "POST" and request.POST.get("step") == "apply":
        return _import_apply(request)
    default_year = _year_from(request.GET, shanghai_today().year + 1)
    form = CalendarImportForm(
        request.POST or None, request.FILES or None, initial={"year": default_year}
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            preview = calendar_year_import_preview(
                year=year, text_or_rows=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            confirm = CalendarImportConfirmForm(
                initial={
                    "year": year,
                    "text": preview.normalized_text,
                    "digest": preview.digest,
                    "note": form.cleaned_data["note"],
                }
            )
            return render(
                request,
                "publication/calendar_import_preview.html",
                {"preview": preview, "confirm_form": confirm, "note": form.cleaned_data["note"]},
            )
    return render(request, "publication/calendar_import.html", {"form": form})


def _import_apply(request):
    confirm = CalendarImportConfirmForm(request.POST)
    if not confirm.is_valid():
        messages.error(request, _("确认信息不完整，请重新预览。"))
        return redirect("publication:calendar_import")
    data = confirm.cleaned_data
    try:
        calendar_year_import(
            year=data["year"],
            text_or_rows=data["text"],
            imported_by=request.user,
            expected_digest=data["digest"],
            note=data["note"],
        )
    except (ValidationError, PermissionDenied) as error:
        errors_to_messages(request, error)
        form = CalendarImportForm(
            initial={"year": data["year"], "text": data["text"], "note": data["note"]}
        )
        return render(request, "publication/calendar_import.html", {"form": form})
    messages.success(request, _("已导入 %(year)d 年的官方节假日安排。") % {"year": data["year"]})
    return redirect(_calendar_url(data["year"]))
