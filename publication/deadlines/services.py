"""Writes of working-day deadlines: open, close, cancel, reschedule, the rules, the recompute
after a calendar change and the beat sweep. See the package docstring for the interface.

Due dates come from one SQL computation over the working-day index (`_COMPUTED`), used for a
single new deadline and for every open one after a calendar or rule change alike, so the two
can never disagree. The sweep is a few set-based statements whatever the number of deadlines:
one UPDATE of the states, one claiming UPDATE of the rows to notify (RETURNING them), one query
of their responsible users and one INSERT of the notices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import Department, User
from publication.calendar import shanghai_today
from publication.deadlines.workdays import OutsideIndexError, workday_index_refresh
from publication.models import (
    DEADLINE_RULE_DEFAULTS,
    CalendarIndexYear,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineState,
)

TITLE_MAX = Deadline._meta.get_field("title").max_length
NOTE_MAX = Deadline._meta.get_field("close_note").max_length
MAX_WORKING_DAYS = 250
DEFAULT_DUE_SOON = 3

# input(key, start_date, working_days, fixed_due_date, due_soon_window) → computed(key, due_date,
# due_soon_from, uses_fallback). N working days after start: the working day whose ordinal is
# start's + N. Due soon from the working day whose ordinal is the due date's minus the window
# (remaining working days <= window). Fallback: a day of a year without official data in
# (start, due].
_COMPUTED = """
computed AS (
    SELECT i.key,
           COALESCE(e.day, f.day) AS due_date,
           GREATEST(i.start_date, COALESCE(soon.day, i.start_date)) AS due_soon_from,
           COALESCE(e.fallback_days, f.fallback_days) - s.fallback_days > 0 AS uses_fallback
    FROM input i
    JOIN publication_calendarworkday s ON s.day = i.start_date
    LEFT JOIN publication_calendarworkday e
      ON i.working_days IS NOT NULL AND e.is_working
     AND e.working_ordinal = s.working_ordinal + i.working_days
    LEFT JOIN publication_calendarworkday f
      ON i.working_days IS NULL AND f.day = i.fixed_due_date
    LEFT JOIN publication_calendarworkday soon
      ON soon.is_working
     AND soon.working_ordinal = COALESCE(e.working_ordinal, f.working_ordinal) - i.due_soon_window
)
"""


@dataclass(frozen=True)
class DueDates:
    due_date: date
    due_soon_from: date
    uses_fallback: bool


def _rule(kind: str) -> DeadlineRule:
    rule = DeadlineRule.objects.filter(kind=kind).first()
    if rule is None:
        rule, _created = DeadlineRule.objects.get_or_create(
            kind=kind, defaults=DEADLINE_RULE_DEFAULTS[DeadlineKind(kind)]
        )
    return rule


def deadline_rules_ensure() -> None:
    """Every kind has its rule row (migration 0003 creates them; this restores a missing one
    with the defaults, e.g. after a kind is added)."""
    present = set(DeadlineRule.objects.values_list("kind", flat=True))
    for kind in DeadlineKind.values:
        if kind not in present:
            _rule(kind)


def _compute_one(
    *, start_date: date, working_days: int | None, fixed_due_date: date | None, window: int
) -> DueDates:
    deadlines_calendar_sync()
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH input(key, start_date, working_days, fixed_due_date, due_soon_window) AS ("
            "SELECT 0, %s::date, %s::int, %s::date, %s::int), "
            + _COMPUTED
            + "SELECT due_date, due_soon_from, uses_fallback FROM computed",
            [start_date, working_days, fixed_due_date, window],
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise ValidationError(str(OutsideIndexError()))
    return DueDates(*row)


def _state_on(today: date, due: DueDates) -> str:
    if today > due.due_date:
        return DeadlineState.OVERDUE
    if today >= due.due_soon_from:
        return DeadlineState.DUE_SOON
    return DeadlineState.OPEN


def _validate_terms(*, start_date: date, working_days: int | None, due_date: date | None) -> None:
    if (working_days is None) == (due_date is None):
        raise ValidationError(_("请给出工作日数或指定截止日（二者选一）。"))
    if working_days is not None and not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(_("工作日数须在 1 至 %(max)d 之间。") % {"max": MAX_WORKING_DAYS})
    if due_date is not None and due_date < start_date:
        raise ValidationError(_("截止日不能早于起算日。"))


def _subject_fields(subject: models.Model) -> tuple[ContentType, int]:
    if subject.pk is None:
        raise ValidationError(_("期限对象尚未保存。"))
    return ContentType.objects.get_for_model(subject, for_concrete_model=False), int(subject.pk)


def _open_deadline(kind: str, subject: models.Model, *, lock: bool = False) -> Deadline | None:
    subject_type, subject_id = _subject_fields(subject)
    deadlines = Deadline.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=subject_id, is_open=True
    )
    if lock:
        deadlines = deadlines.select_for_update()
    return deadlines.first()


@transaction.atomic
def deadline_open(
    *,
    kind: str,
    subject: models.Model,
    department: Department,
    start_date: date,
    title: str,
    url: str = "",
    working_days: int | None = None,
    due_date: date | None = None,
    responsible: Iterable[User] = (),
    opened_by: User | None = None,
) -> Deadline:
    """Open the deadline of `kind` on `subject`, owned by `department`, due `working_days`
    working days after `start_date` (default: the kind's rule) or on a fixed `due_date`.

    Idempotent: while one is open for this kind and subject, it is returned unchanged (use
    deadline_reschedule to change it). The state reflects today at once (a deadline opened
    late may be due soon or overdue already); the sweep sends the notices.
    """
    if kind not in DeadlineKind.values:
        raise ValidationError(_("未知的期限类型：%(kind)s") % {"kind": kind})
    existing = _open_deadline(kind, subject)
    if existing is not None:
        return existing
    rule = _rule(kind)
    if working_days is None and due_date is None:
        working_days = rule.working_days
    _validate_terms(start_date=start_date, working_days=working_days, due_date=due_date)
    title = str(title).strip()[:TITLE_MAX]
    if not title:
        raise ValidationError(_("期限事项不能为空。"))
    due = _compute_one(
        start_date=start_date,
        working_days=working_days,
        fixed_due_date=due_date,
        window=rule.due_soon_working_days,
    )
    subject_type, subject_id = _subject_fields(subject)
    deadline = Deadline(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        department=department,
        title=title,
        url=url,
        start_date=start_date,
        working_days=working_days,
        fixed_due_date=due_date,
        due_date=due.due_date,
        due_soon_from=due.due_soon_from,
        uses_fallback=due.uses_fallback,
        state=_state_on(shanghai_today(), due),
        opened_by=opened_by,
    )
    try:
        with transaction.atomic():
            deadline.save(force_insert=True)
    except IntegrityError:
        # Opened concurrently by another transaction: the unique open-per-subject constraint
        # kept one; return it.
        existing = _open_deadline(kind, subject)
        if existing is None:
            raise
        return existing
    people = list(responsible)
    if people:
        deadline.responsible.set(people)
    record_event(
        actor=opened_by,
        action="deadline.open",
        target=deadline,
        details={
            "kind": kind,
            "subject": f"{subject_type.app_label}.{subject_type.model}:{subject_id}",
            "department": department.code,
            "start_date": start_date,
            "working_days": working_days,
            "fixed_due_date": due_date,
            "due_date": deadline.due_date,
            "uses_fallback": deadline.uses_fallback,
            "responsible": [user.username for user in people],
        },
    )
    return deadline


@dataclass(frozen=True)
class DeadlineSpec:
    """One deadline of a batch opened by deadline_open_many."""

    subject_id: int
    department_id: int
    start_date: date
    title: str
    url: str = ""
    responsible_ids: tuple[int, ...] = ()


_OPEN_MANY_SQL = (
    """
WITH input(key, start_date, working_days, fixed_due_date, due_soon_window) AS (
    SELECT k, s, %(working_days)s::int, NULL::date, %(window)s::int
    FROM unnest(%(keys)s::int[], %(starts)s::date[]) AS t(k, s)
),
"""
    + _COMPUTED
    + """,
spec AS (
    SELECT * FROM unnest(%(keys)s::int[], %(subjects)s::bigint[], %(departments)s::bigint[],
                         %(titles)s::text[], %(urls)s::text[])
        AS t(key, subject_id, department_id, title, url)
)
INSERT INTO publication_deadline (kind, subject_type_id, subject_id, department_id, title, url,
    start_date, working_days, due_date, due_soon_from, uses_fallback, state, is_open, opened_at,
    opened_by_id, close_note, notified_level, reminder_count)
SELECT %(kind)s, %(subject_type)s, spec.subject_id, spec.department_id, spec.title, spec.url,
       i.start_date, i.working_days, c.due_date, c.due_soon_from, c.uses_fallback,
       CASE WHEN %(today)s::date > c.due_date THEN 'overdue'
            WHEN %(today)s::date >= c.due_soon_from THEN 'due_soon'
            ELSE 'open' END,
       true, now(), %(opened_by)s, '', '', 0
FROM spec JOIN input i USING (key) JOIN computed c USING (key)
WHERE c.due_date IS NOT NULL
ON CONFLICT (kind, subject_type_id, subject_id) WHERE is_open DO NOTHING
RETURNING id, subject_id
"""
)


@transaction.atomic
def deadline_open_many(
    *,
    kind: str,
    subject_model: type[models.Model],
    specs: Iterable[DeadlineSpec],
    opened_by: User | None = None,
) -> dict[int, int]:
    """Open many deadlines of one kind at once (a task's hundreds of inspections): the same SQL
    computation as deadline_open, the kind's rule for the working days, one INSERT for the
    deadlines, one for their responsible users and one audit event. Subjects that already have
    an open deadline of this kind are skipped. Returns {subject id: new deadline id}."""
    if kind not in DeadlineKind.values:
        raise ValidationError(_("未知的期限类型：%(kind)s") % {"kind": kind})
    specs = list(specs)
    if not specs:
        return {}
    deadlines_calendar_sync()
    rule = _rule(kind)
    subject_type = ContentType.objects.get_for_model(subject_model, for_concrete_model=False)
    with connection.cursor() as cursor:
        cursor.execute(
            _OPEN_MANY_SQL,
            {
                "kind": kind,
                "subject_type": subject_type.pk,
                "working_days": rule.working_days,
                "window": rule.due_soon_working_days,
                "keys": list(range(len(specs))),
                "starts": [spec.start_date for spec in specs],
                "subjects": [spec.subject_id for spec in specs],
                "departments": [spec.department_id for spec in specs],
                "titles": [str(spec.title).strip()[:TITLE_MAX] for spec in specs],
                "urls": [spec.url for spec in specs],
                "today": shanghai_today(),
                "opened_by": opened_by.pk if opened_by is not None else None,
            },
        )
        opened = {subject_id: deadline_id for deadline_id, subject_id in cursor.fetchall()}
        pairs = [
            (opened[spec.subject_id], user_id)
            for spec in specs
            if spec.subject_id in opened
            for user_id in dict.fromkeys(spec.responsible_ids)
        ]
        if pairs:
            cursor.execute(
                "INSERT INTO publication_deadline_responsible (deadline_id, user_id) "
                "SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
    missing = {spec.subject_id for spec in specs} - set(opened)
    if missing and Deadline.objects.filter(
        kind=kind, subject_type=subject_type, subject_id__in=missing, is_open=True
    ).count() < len(missing):
        raise ValidationError(str(OutsideIndexError()))
    if opened:
        record_event(
            actor=opened_by,
            action="deadline.open_many",
            details={
                "kind": kind,
                "subject_type": f"{subject_type.app_label}.{subject_type.model}",
                "subjects": sorted(opened),
                "working_days": rule.working_days,
                "start_dates": sorted({spec.start_date for spec in specs}),
            },
        )
    return opened


@transaction.atomic
def deadline_close(
    *,
    kind: str,
    subject: models.Model,
    closed_by: User | None = None,
    closed_on: date | None = None,
    note: str = "",
) -> Deadline | None:
    """Close the open deadline of `kind` on `subject`: met when done on or before the due date,
    late after it. Returns None when none is open (closing twice is harmless)."""
    deadline = _open_deadline(kind, subject, lock=True)
    if deadline is None:
        return None
    closed_on = closed_on or shanghai_today()
    if closed_on < deadline.start_date:
        raise ValidationError(_("完成日期不能早于起算日。"))
    deadline.state = DeadlineState.MET if closed_on <= deadline.due_date else DeadlineState.LATE
    deadline.is_open = False
    deadline.closed_on = closed_on
    deadline.closed_at = timezone.now()
    deadline.closed_by = closed_by
    deadline.close_note = note.strip()[:NOTE_MAX]
    deadline.save(
        update_fields=["state", "is_open", "closed_on", "closed_at", "closed_by", "close_note"]
    )
    record_event(
        actor=closed_by,
        action="deadline.close",
        target=deadline,
        details={"state": deadline.state, "closed_on": closed_on, "due_date": deadline.due_date},
    )
    return deadline


@transaction.atomic
def deadline_cancel(
    *, kind: str, subject: models.Model, reason: str, cancelled_by: User | None = None
) -> Deadline | None:
    """Withdraw the open deadline (its subject no longer needs it: a voided draw, a withdrawn
    task). A reason is required. Returns None when none is open."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请说明撤销期限的原因。"))
    deadline = _open_deadline(kind, subject, lock=True)
    if deadline is None:
        return None
    deadline.state = DeadlineState.CANCELLED
    deadline.is_open = False
    deadline.closed_at = timezone.now()
    deadline.closed_by = cancelled_by
    deadline.close_note = reason[:NOTE_MAX]
    deadline.save(update_fields=["state", "is_open", "closed_at", "closed_by", "close_note"])
    record_event(
        actor=cancelled_by, action="deadline.cancel", target=deadline, details={"reason": reason}
    )
    return deadline


@transaction.atomic
def deadline_reschedule(
    *,
    deadline: Deadline,
    rescheduled_by: User | None,
    reason: str,
    start_date: date | None = None,
    working_days: int | None = None,
    due_date: date | None = None,
) -> Deadline:
    """Change an open deadline's terms (an extension granted, a corrected start), with a reason.
    Giving `due_date` fixes the date; giving `working_days` counts from the (new) start."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请说明调整期限的原因。"))
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    if not deadline.is_open:
        raise ValidationError(_("期限已关闭，不能调整。"))
    before = {
        "start_date": deadline.start_date,
        "working_days": deadline.working_days,
        "fixed_due_date": deadline.fixed_due_date,
        "due_date": deadline.due_date,
    }
    start_date = start_date or deadline.start_date
    if working_days is None and due_date is None:
        working_days, due_date = deadline.working_days, deadline.fixed_due_date
    _validate_terms(start_date=start_date, working_days=working_days, due_date=due_date)
    due = _compute_one(
        start_date=start_date,
        working_days=working_days,
        fixed_due_date=due_date,
        window=_rule(deadline.kind).due_soon_working_days,
    )
    deadline.start_date, deadline.working_days, deadline.fixed_due_date = (
        start_date,
        working_days,
        due_date,
    )
    deadline.due_date, deadline.due_soon_from = due.due_date, due.due_soon_from
    deadline.uses_fallback = due.uses_fallback
    deadline.state = _state_on(shanghai_today(), due)
    if deadline.state == DeadlineState.OPEN:
        deadline.notified_level, deadline.escalated_at = "", None
    deadline.save(
        update_fields=[
            "start_date",
            "working_days",
            "fixed_due_date",
            "due_date",
            "due_soon_from",
            "uses_fallback",
            "state",
            "notified_level",
            "escalated_at",
        ]
    )
    record_event(
        actor=rescheduled_by,
        action="deadline.reschedule",
        target=deadline,
        details={
            "reason": reason,
            "before": before,
            "after": {
                "start_date": start_date,
                "working_days": working_days,
                "fixed_due_date": due_date,
                "due_date": deadline.due_date,
            },
        },
    )
    return deadline


@transaction.atomic
def deadline_set_responsible(
    *, deadline: Deadline, responsible: Iterable[User], set_by: User | None
) -> Deadline:
    people = list(responsible)
    if any(user.department_id is None for user in people):
        raise ValidationError(_("责任人必须是部门账户。"))
    deadline.responsible.set(people)
    record_event(
        actor=set_by,
        action="deadline.set_responsible",
        target=deadline,
        details={"responsible": sorted(user.username for user in people)},
    )
    return deadline


@transaction.atomic
def deadline_rule_update(
    *,
    kind: str,
    updated_by: User,
    working_days: int,
    due_soon_working_days: int,
    remind_every_working_days: int = 0,
    escalate_overdue: bool = True,
) -> DeadlineRule:
    """The office changes a kind's rule. New deadlines use the new number of working days;
    open ones keep theirs, but their yellow window follows the rule at once."""
    if not updated_by.is_office_admin:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有联席办管理员可以修改期限规则。"))
    rule = DeadlineRule.objects.select_for_update().filter(kind=kind).first() or _rule(kind)
    before = {
        "working_days": rule.working_days,
        "due_soon_working_days": rule.due_soon_working_days,
        "remind_every_working_days": rule.remind_every_working_days,
        "escalate_overdue": rule.escalate_overdue,
    }
    rule.working_days = working_days
    rule.due_soon_working_days = due_soon_working_days
    rule.remind_every_working_days = remind_every_working_days
    rule.escalate_overdue = escalate_overdue
    rule.updated_by, rule.updated_at = updated_by, timezone.now()
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise ValidationError(
            {"working_days": _("工作日数须在 1 至 %(max)d 之间。") % {"max": MAX_WORKING_DAYS}}
        )
    if due_soon_working_days > MAX_WORKING_DAYS or remind_every_working_days > MAX_WORKING_DAYS:
        raise ValidationError(_("提醒天数过大。"))
    rule.full_clean()
    rule.save()
    recomputed = deadlines_recompute(kinds=[kind])
    record_event(
        actor=updated_by,
        action="deadline_rule.update",
        target=rule,
        details={
            "kind": kind,
            "before": before,
            "after": {
                **before,
                **{
                    "working_days": working_days,
                    "due_soon_working_days": due_soon_working_days,
                    "remind_every_working_days": remind_every_working_days,
                    "escalate_overdue": escalate_overdue,
                },
            },
            "recomputed": recomputed,
        },
    )
    return rule


_RECOMPUTE_SQL = (
    f"""
WITH input AS (
    SELECT d.id AS key, d.start_date, d.working_days::int AS working_days, d.fixed_due_date,
           COALESCE(r.due_soon_working_days, {DEFAULT_DUE_SOON})::int AS due_soon_window
    FROM publication_deadline d
    LEFT JOIN publication_deadlinerule r ON r.kind = d.kind
    WHERE d.is_open AND (%(kinds)s::text[] IS NULL OR d.kind = ANY(%(kinds)s))
      AND (%(ids)s::bigint[] IS NULL OR d.id = ANY(%(ids)s))
),
"""
    + _COMPUTED
    + """
UPDATE publication_deadline d
SET due_date = c.due_date, due_soon_from = c.due_soon_from, uses_fallback = c.uses_fallback
FROM computed c
WHERE d.id = c.key AND c.due_date IS NOT NULL
  AND (d.due_date, d.due_soon_from, d.uses_fallback)
      IS DISTINCT FROM (c.due_date, c.due_soon_from, c.uses_fallback)
"""
)


@transaction.atomic
def deadlines_recompute(
    *, kinds: Iterable[str] | None = None, deadline_ids: Iterable[int] | None = None
) -> int:
    """Recompute the due dates of open deadlines (all, or some kinds or ids) from the working-day
    index and the rules, in one statement. Returns how many changed; the next sweep moves their
    states (an overdue item whose due date moved later returns to open)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _RECOMPUTE_SQL,
            {
                "kinds": list(kinds) if kinds is not None else None,
                "ids": list(deadline_ids) if deadline_ids is not None else None,
            },
        )
        return int(cursor.rowcount)


@transaction.atomic
def deadlines_calendar_sync(*, only_if_built: bool = False) -> int | None:
    """Follow the calendar: if it changed since the working-day index was built, rebuild the
    index from the first changed year and recompute every open deadline (audited). Returns the
    first rebuilt year, or None when nothing changed.

    Run by the job queued after each calendar write commits, at the start of every sweep and
    before any due date is computed, so a missed job (worker down, restored backup) is caught up.
    `only_if_built` (the job): an index never built yet is left for its first use to build.
    """
    if only_if_built and (
        # Queued by the calendar's first seeding (a migration), before these tables exist.
        CalendarIndexYear._meta.db_table not in connection.introspection.table_names()
        or not CalendarIndexYear.objects.exists()
    ):
        return None
    first_year = workday_index_refresh()
    if first_year is None:
        return None
    changed = deadlines_recompute()
    if changed:
        record_event(
            actor=None,
            action="deadline.recompute",
            details={"reason": "calendar", "from_year": first_year, "changed": changed},
        )
    return first_year


# The sweep lives in publication.deadlines.sweep; importable from here with the other services.
from publication.deadlines.sweep import SweepReport, deadline_sweep  # noqa: E402

__all__ = [
    "DeadlineSpec",
    "DueDates",
    "SweepReport",
    "deadline_cancel",
    "deadline_close",
    "deadline_open",
    "deadline_open_many",
    "deadline_reschedule",
    "deadline_rule_update",
    "deadline_rules_ensure",
    "deadline_set_responsible",
    "deadline_sweep",
    "deadlines_calendar_sync",
    "deadlines_recompute",
]
