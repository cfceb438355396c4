"""The official working-day calendar (工作日历).

Deadlines in this platform count working days (results within 20, drawn lists published within 5),
and Chinese working days follow the State Council's annual holiday schedule: weekday public holidays
are days off, and some weekends are make-up working days (调休上班). Only the exceptions are stored;
every other date is a working day iff it is Monday to Friday. See publication/calendar/.

Also here: the working-day deadlines (publication/deadlines/) and the publication state
(`Publication`). The public site's own tables (`PublicResult`, `Objection`) are models of this app
too, defined in publication/site/models.py (they use the tasks app, which sits below the public
site but above these models; `PublicationConfig.import_models` loads them).
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


# Working-day deadlines ----------------------------------------------------------------------------


class DeadlineKind(models.TextChoices):
    """The legal and configured deadlines the platform tracks (publication.deadlines)."""

    RESULT_ENTRY = "result_entry", _("检查结果录入")
    DRAWN_LIST_PUBLICATION = "drawn_list_publication", _("抽查名单公示")
    JOINT_REVIEW = "joint_review", _("会审答复")
    RECTIFICATION = "rectification", _("责令整改")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    DUE_SOON = "due_soon", _("临近期限")
    OVERDUE = "overdue", _("已逾期")
    MET = "met", _("按期完成")
    LATE = "late", _("逾期完成")
    CANCELLED = "cancelled", _("已撤销")


OPEN_DEADLINE_STATES = (DeadlineState.OPEN, DeadlineState.DUE_SOON, DeadlineState.OVERDUE)
DEADLINE_CARDS: dict[str, str] = {
    DeadlineState.OVERDUE.value: "red",
    DeadlineState.DUE_SOON.value: "yellow",
}

# Defaults per kind (the office changes them on the deadline rules page): working days, the
# yellow window, how often a due-soon or overdue item is reminded again (0: once per level).
DEADLINE_RULE_DEFAULTS = {
    # 000 art. 16; 001 II.5; 002 plan 3 VII.5: results within 20 working days of the inspection.
    DeadlineKind.RESULT_ENTRY: {"working_days": 20, "due_soon_working_days": 5},
    # 002 plan 3 VII.5: the task plan and drawn list published within 5 working days.
    DeadlineKind.DRAWN_LIST_PUBLICATION: {"working_days": 5, "due_soon_working_days": 2},
    # Platform rule (formerly TaskPolicy): answer a joint review within 3 working days, reminded
    # daily from the first working day on.
    DeadlineKind.JOINT_REVIEW: {
        "working_days": 3,
        "due_soon_working_days": 2,
        "remind_every_working_days": 1,
    },
    # The usual period of a rectification order when the notice does not fix a date.
    DeadlineKind.RECTIFICATION: {"working_days": 15, "due_soon_working_days": 3},
}


class DeadlineRule(models.Model):
    """The configuration of one deadline kind, edited by the office (deadline_rule_update)."""

    kind = models.CharField(_("类型"), max_length=32, choices=DeadlineKind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(
        _("期限（工作日）"), help_text=_("未另行规定时，自起算日次日起计算的工作日数。")
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("临近提醒（工作日）"), default=3, help_text=_("剩余工作日不超过此数时显示黄牌并提醒。")
    )
    remind_every_working_days = models.PositiveSmallIntegerField(
        _("重复提醒间隔（工作日）"), default=0, help_text=_("0 表示黄牌、红牌各提醒一次。")
    )
    escalate_overdue = models.BooleanField(
        _("逾期上报"), default=True, help_text=_("逾期后通知部门系统管理员和联席办。")
    )
    updated_at = models.DateTimeField(_("最后修改时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("期限规则")
        verbose_name_plural = _("期限规则")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DeadlineKind.values), name="deadline_rule_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1) & Q(working_days__lte=250),
                name="deadline_rule_working_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.working_days}"


class CalendarWorkday(models.Model):
    """Derived from the calendar (never edited): one row per date of the indexed years with a
    running count of working days, so "start + N working days" is an equality join
    (`working_ordinal = start's + N`) and a whole set of deadlines is computed in one statement.

    `fallback_days` counts the days, up to this one, of years without official data: a deadline
    whose range adds to it was computed weekends-only. Rebuilt by publication.deadlines.workdays
    from the first changed year on whenever the calendar changes (per-year digests in
    CalendarIndexYear).
    """

    day = models.DateField(_("日期"), primary_key=True)
    is_working = models.BooleanField(_("工作日"))
    working_ordinal = models.IntegerField(_("工作日序号"))
    fallback_days = models.IntegerField(_("无官方数据天数累计"))

    class Meta:
        verbose_name = _("工作日索引")
        verbose_name_plural = _("工作日索引")
        indexes = [
            models.Index(
                fields=["working_ordinal"],
                condition=Q(is_working=True),
                name="calendar_workday_ordinal_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} #{self.working_ordinal}"


class CalendarIndexYear(models.Model):
    """Which calendar state each indexed year of CalendarWorkday was built from."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    digest = models.CharField(max_length=32)
    built_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.year} {self.digest}"


class Deadline(models.Model):
    """A working-day deadline on any subject (an inspection, a draw, a joint review, a
    rectification order…), owned by one department.

    `due_date` and `due_soon_from` are computed in SQL from the calendar (publication.deadlines)
    and recomputed when the calendar changes; `uses_fallback` says a year in the range had no
    official schedule (weekends-only). The beat sweep moves open deadlines through
    open → due_soon (yellow card) → overdue (red card) and notifies through the inbox; closing
    records met or late. At most one open deadline per kind and subject.
    """

    kind = models.CharField(_("类型"), max_length=32, choices=DeadlineKind.choices)
    # Foreign keys without their own index where a composite index leads with them or nobody
    # looks rows up by them: the sweep rewrites thousands of rows, and every index costs each.
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        db_index=False,
    )
    subject_id = models.PositiveBigIntegerField(_("对象标识"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("责任部门"),
        on_delete=models.PROTECT,
        related_name="deadlines",
        db_index=False,
    )
    title = models.CharField(_("事项"), max_length=200)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        related_name="responsible_deadlines",
        blank=True,
    )
    start_date = models.DateField(_("起算日"))
    working_days = models.PositiveSmallIntegerField(_("工作日数"), null=True, blank=True)
    fixed_due_date = models.DateField(_("指定截止日"), null=True, blank=True)
    due_date = models.DateField(_("截止日"))
    due_soon_from = models.DateField(_("临近提醒起始日"))
    uses_fallback = models.BooleanField(_("含无官方数据年份"), default=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    # Whether the state is one of the open ones, as its own column so that no index mentions
    # `state`: the sweep then rewrites states in place (HOT updates, no index writes; the table
    # keeps free room on each page for it, migration 0003).
    is_open = models.BooleanField(_("进行中"), default=True, editable=False)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开始人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    closed_on = models.DateField(_("完成日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    close_note = models.CharField(_("说明"), max_length=300, blank=True)
    notified_level = models.CharField(_("已提醒级别"), max_length=8, blank=True)
    last_notified_on = models.DateField(_("最近提醒日"), null=True, blank=True)
    reminder_count = models.PositiveIntegerField(_("提醒次数"), default=0)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(is_open=True),
                name="deadline_one_open_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DeadlineKind.values), name="deadline_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(working_days__isnull=True, fixed_due_date__isnull=False)
                | Q(working_days__isnull=False, fixed_due_date__isnull=True),
                name="deadline_working_days_or_fixed_date",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")),
                name="deadline_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state__in=OPEN_DEADLINE_STATES) | Q(closed_at__isnull=False),
                name="deadline_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(is_open=True, state__in=OPEN_DEADLINE_STATES)
                | (Q(is_open=False) & ~Q(state__in=OPEN_DEADLINE_STATES)),
                name="deadline_is_open_matches_state",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], condition=Q(is_open=True), name="deadline_open_due_idx"
            ),
            models.Index(fields=["department", "due_date"], name="deadline_dept_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def card(self) -> str:
        """The card colour a page shows: red (overdue), yellow (due soon) or none."""
        return DEADLINE_CARDS.get(self.state, "")


class PublicationKind(models.TextChoices):
    DRAWN_LIST = "drawn_list", _("抽查名单")


class Publication(models.Model):
    """The explicit, audited act of making something public (公示): today the drawn list of a
    main draw. Nothing of a draw's result (objects, groups, bundle) is shown to the public before
    its row exists; a row is never deleted (publication is never silently undone).

    The subject is generic (like `Deadline`) so that the apps below the public site, which may
    read publication.models, can ask "is this published?" without this module naming them.
    Written only by `publication.site.services.drawn_list_publish`."""

    kind = models.CharField(_("公示内容"), max_length=20, choices=PublicationKind.choices)
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField()
    published_at = models.DateTimeField(_("公示时间"), default=timezone.now)
    published_on = models.DateField(_("公示日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公示人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"], name="publication_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PublicationKind.values), name="publication_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type_id}:{self.subject_id}"


def published_subject_ids(kind: str, model: type[models.Model]) -> models.QuerySet:
    """The ids of the published subjects of `model` (a subquery for `pk__in`)."""
    from django.contrib.contenttypes.models import ContentType

    return Publication.objects.filter(
        kind=kind, subject_type=ContentType.objects.get_for_model(model)
    ).values("subject_id")


def is_published(kind: str, subject: models.Model) -> bool:
    from django.contrib.contenttypes.models import ContentType

    return Publication.objects.filter(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=subject.pk,
    ).exists()
