"""The official working-day calendar (工作日历).

Deadlines in this platform count working days (results within 20, drawn lists published within 5),
and Chinese working days follow the State Council's annual holiday schedule: weekday public holidays
are days off, and some weekends are make-up working days (调休上班). Only the exceptions are stored;
every other date is a working day iff it is Monday to Friday. See publication/calendar/.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The years the calendar accepts at all: wide enough for any deadline, narrow enough that a silly
# request (year 9999) cannot make a process build and cache thousands of years.
MIN_YEAR = 1949
MAX_YEAR = 2200


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日（休息）")
    MAKEUP_WORKDAY = "makeup_workday", _("调休上班")


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar 数据包")
    OFFICIAL_IMPORT = "official_import", _("导入国务院办公厅通知")
    MANUAL = "manual", _("手工设置")


class CalendarYearStatus(models.TextChoices):
    OFFICIAL = "official", _("已载入官方安排")
    FALLBACK = "fallback", _("无官方数据（仅周末休息）")


class CalendarDay(models.Model):
    """One exception to "Monday to Friday are working days".

    `holiday`: a day off (a weekday public holiday; weekend days inside a holiday run are stored
    too when the source lists them, so the calendar can show the holiday's name on them).
    `makeup_workday`: a Saturday or Sunday that is a working day (调休上班); the database refuses a
    make-up working day on a weekday, which would be meaningless.

    Rows are written only by the services in publication/calendar/services.py, which audit every
    change and invalidate the in-process caches.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True, help_text=_("例如：国庆节"))
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("最后修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("日历特殊日")
        verbose_name_plural = _("日历特殊日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CalendarDayKind.values), name="calendar_day_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=CalendarSource.values), name="calendar_day_source_valid"
            ),
            # iso_week_day: Monday = 1 … Sunday = 7.
            models.CheckConstraint(
                condition=Q(kind=CalendarDayKind.HOLIDAY) | Q(date__iso_week_day__gte=6),
                name="calendar_day_makeup_on_weekend",
            ),
            models.CheckConstraint(
                condition=Q(date__year__gte=MIN_YEAR) & Q(date__year__lte=MAX_YEAR),
                name="calendar_day_year_supported",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{self.date.isoformat()} {label}{f'（{self.name}）' if self.name else ''}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarDayKind.MAKEUP_WORKDAY


class CalendarYear(models.Model):
    """Whether the official schedule of one year is loaded.

    `official`: the State Council schedule for the year is in CalendarDay (from the chinesecalendar
    package, an import of the notice, or an office admin's confirmation). `fallback`: it is not, and
    the year is computed as weekends-only; every calculation touching such a year says so. A year
    without a row is a fallback year too.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CalendarYearStatus.choices,
        default=CalendarYearStatus.FALLBACK,
    )
    source = models.CharField(_("来源"), max_length=20, choices=CalendarSource.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    updated_at = models.DateTimeField(_("最后修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CalendarYearStatus.values), name="calendar_year_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR),
                name="calendar_year_supported",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()}"

    @property
    def has_official_data(self) -> bool:
        return self.status == CalendarYearStatus.OFFICIAL
