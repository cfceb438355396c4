"""The year-end summary (年度工作总结) as a printing kind: the city's indicators with their
charts, the per-department tables and the year's draws with their verification hashes. Rendered
by the printing job (platform_site.documents) and cached until the numbers change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from accounts.types import RequestUser
from platform_site.documents import DocumentKind, register
from tasks.choices import DrawKind
from tasks.indicators import charts
from tasks.indicators.league import dashboard
from tasks.indicators.live import Scope
from tasks.indicators.permissions import FIRST_YEAR, LAST_YEAR, access_indicator_scope_for_user
from tasks.models import Draw


def year_draws(year: int):
    start, end = date(year, 1, 1), date(year, 12, 31)
    return (
        Draw.objects.filter(kind=DrawKind.DRAW)
        .filter(Q(announced_at__date__gte=start) & Q(announced_at__date__lte=end))
        .select_related("task", "task__lead_department", "redraw_of")
        .order_by("announced_at", "pk")
    )


def report_context(year: int) -> dict[str, Any]:
    scope = Scope(year)
    indicators, league = dashboard(scope)
    return {
        "year": year,
        "today": scope.today,
        "city_name": getattr(settings, "CITY_NAME", ""),
        "indicators": indicators,
        "charts": [
            (indicator, charts.trend_chart(indicator, table_id=f"trend-{indicator.key}"))
            for indicator in indicators
        ],
        "league": league,
        "draws": list(year_draws(year)),
    }


@register
class YearReportKind(DocumentKind):
    """The office's year-end summary: office admins only."""

    name = "tasks.year_report"
    label = "年度工作总结"
    template = "tasks/pdf/year_report.html"
    params = {"year": "年度"}

    def load(self, params: Mapping[str, int]) -> int:
        if not FIRST_YEAR <= params["year"] <= LAST_YEAR:
            raise Http404
        return params["year"]

    def authorize(self, user: RequestUser, params: Mapping[str, int]) -> int:
        access_indicator_scope_for_user(user, params["year"], None)
        return self.load(params)

    def context(self, subject: int) -> dict[str, Any]:
        return report_context(subject)

    def filename(self, subject: int) -> str:
        return f"year-report-{subject}.pdf"

    def url(self, params: Mapping[str, int]) -> str:
        return reverse("indicators:report", args=[params["year"]])
