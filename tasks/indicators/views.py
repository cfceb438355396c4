"""The indicator pages: the office dashboard with the league table, a department's view, one
indicator's trend and records, the targets, the other inspections, XLSX and the year-end PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Department
from accounts.roles import is_office_admin, page_requires
from plans.models import OtherInspection
from platform_site.documents import document_response
from platform_site.web import errors_to_messages as report_error
from tasks.indicators import charts, live
from tasks.indicators.exports import units_bytes, workbook_bytes
from tasks.indicators.forms import OtherInspectionForm, OtherInspectionImportForm, TargetsForm
from tasks.indicators.league import dashboard, league_table
from tasks.indicators.permissions import access_indicator_scope_for_user, can_view_indicators
from tasks.indicators.services import (
    indicator_target_set,
    other_inspection_import,
    other_inspection_record,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _department_param(request) -> int | None:
    raw = request.GET.get("department", "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cards(indicators: list[live.Indicator]) -> list[tuple[live.Indicator, str]]:
    return [
        (indicator, charts.trend_chart(indicator, table_id=f"trend-{indicator.key}"))
        for indicator in indicators
    ]


@login_required
@page_requires(can_view_indicators)
def indicators_home(request):
    """This year's view: the city for the office, the own department for everyone else."""
    year = live.shanghai_today().year
    if is_office_admin(request.user):
        return redirect("indicators:year", year)
    return redirect("indicators:department", year, request.user.department_id)


@login_required
def indicators_year(request, year: int):
    scope = access_indicator_scope_for_user(request.user, year, None)
    indicators, league = dashboard(scope)
    met_chart = charts.bar_chart(
        [
            (row.department.display_name, row.met * 10000 // row.measured if row.measured else None)
            for row in league
        ],
        target_bp=10000,
        table_id="league",
        title=_("各部门达标指标占比"),
    )
    return render(
        request,
        "tasks/indicators/dashboard.html",
        {
            "year": year,
            "scope_name": _("全市"),
            "department": None,
            "cards": _cards(indicators),
            "league": league,
            "league_chart": met_chart,
        },
    )


@login_required
def indicators_department(request, year: int, department_id: int):
    scope = access_indicator_scope_for_user(request.user, year, department_id)
    department = get_object_or_404(Department, pk=department_id)
    indicators, league = dashboard(scope)
    return render(
        request,
        "tasks/indicators/dashboard.html",
        {
            "year": year,
            "scope_name": department.name,
            "department": department,
            "cards": _cards(indicators),
            "league": league,
            "league_chart": None,
        },
    )


@login_required
def indicator_detail(request, year: int, key: str):
    definition = live.BY_KEY.get(key)
    if definition is None:
        raise Http404
    department_id = _department_param(request)
    scope = access_indicator_scope_for_user(request.user, year, department_id)
    department = get_object_or_404(Department, pk=department_id) if department_id else None
    indicator = live.compute(definition, scope, live.targets_for(year)[key])
    failing_only = request.GET.get("failing") == "1"
    units = live.units(definition, scope, failing_only=failing_only)
    if request.GET.get("format") == "xlsx":
        return _xlsx(units_bytes(indicator, units), f"indicator-{key}-{year}.xlsx")
    by_department = None
    if department is None:
        rows = league_table(scope)
        by_department = [(row.department, row.by_key[key]) for row in rows]
        by_department_chart = charts.bar_chart(
            [(dept.display_name, value.value_bp) for dept, value in by_department],
            target_bp=indicator.target_bp,
            table_id="by-department",
            title=_("各部门：%(label)s") % {"label": indicator.label},
        )
    else:
        by_department_chart = None
    return render(
        request,
        "tasks/indicators/detail.html",
        {
            "year": year,
            "indicator": indicator,
            "chart": charts.trend_chart(indicator, table_id="trend"),
            "department": department,
            "units": [(unit, live.unit_url(unit)) for unit in units],
            "failing_only": failing_only,
            "by_department": by_department,
            "by_department_chart": by_department_chart,
        },
    )


@login_required
def indicators_export(request, year: int):
    department_id = _department_param(request)
    scope = access_indicator_scope_for_user(request.user, year, department_id)
    indicators, league = dashboard(scope)
    if department_id is None:
        content = workbook_bytes(scope_name=_("全市"), indicators=indicators, league=league)
        return _xlsx(content, f"indicators-{year}.xlsx")
    department = get_object_or_404(Department, pk=department_id)
    content = workbook_bytes(scope_name=department.name, indicators=indicators, league=league)
    return _xlsx(content, f"indicators-{year}-{department.code}.xlsx")


@login_required
def indicators_report(request, year: int):
    return document_response(request, "tasks.year_report", {"year": year})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_targets(request, year: int):
    access_indicator_scope_for_user(request.user, year, None)
    targets = live.targets_for(year)
    form = TargetsForm(request.POST or None, definitions=live.DEFINITIONS, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            for definition in live.DEFINITIONS:
                target_bp = round(form.cleaned_data[definition.key] * 100)
                if target_bp != targets[definition.key]:
                    indicator_target_set(
                        year=year, key=definition.key, target_bp=target_bp, set_by=request.user
                    )
        except (ValidationError, PermissionDenied) as error:
            report_error(request, error)
        else:
            messages.success(request, _("指标目标值已保存。"))
            return redirect("indicators:year", year)
    return render(request, "tasks/indicators/targets.html", {"year": year, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def other_inspections(request, year: int):
    """The other inspections of the user's department (the office: of the department chosen)."""
    department_id = _department_param(request) or request.user.department_id
    if is_office_admin(request.user) and department_id == request.user.department_id:
        department_id = None
    if department_id is None:
        access_indicator_scope_for_user(request.user, year, None)
        department = None
    else:
        access_indicator_scope_for_user(request.user, year, department_id)
        department = get_object_or_404(Department, pk=department_id)
    form = OtherInspectionForm(request.POST if request.POST.get("action") == "record" else None)
    upload = OtherInspectionImportForm(
        request.POST if request.POST.get("action") == "import" else None,
        request.FILES if request.POST.get("action") == "import" else None,
    )
    if request.method == "POST":
        if department is None:
            messages.error(request, _("请先选择部门。"))
        elif request.POST.get("action") == "record" and form.is_valid():
            try:
                other_inspection_record(
                    department=department, recorded_by=request.user, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as error:
                report_error(request, error)
            else:
                messages.success(request, _("已登记。"))
                return redirect(request.get_full_path())
        elif request.POST.get("action") == "import" and upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                counts = other_inspection_import(
                    department=department,
                    imported_by=request.user,
                    content=file.read(),
                    filename=file.name,
                )
            except (ValidationError, PermissionDenied) as error:
                report_error(request, error)
            else:
                messages.success(
                    request,
                    _("已导入 %(created)d 条，跳过重复 %(skipped)d 条。") % counts,
                )
                return redirect(request.get_full_path())
    rows = OtherInspection.objects.filter(inspected_on__year=year).select_related("department")
    if department is not None:
        rows = rows.filter(department=department)
    return render(
        request,
        "tasks/indicators/other_inspections.html",
        {
            "year": year,
            "department": department,
            "rows": rows[:500],
            "form": form,
            "upload": upload,
            "departments": Department.objects.filter(kind="department", is_active=True)
            if is_office_admin(request.user)
            else [],
        },
    )
