"""Freezing a task's draw inputs (draw-protocol.md §1): the candidate, inspector and conflict files
and the params, read from the registries in a handful of set-based queries.

Candidates are the market entities in the task's scope (status active by default), with the
platform rules applied before any randomness exists:
- low-risk (A) objects already inspected `low_risk_yearly_limit` times in the task's year are left
  out (003 II), counted by tasks.selectors.objects_at_yearly_inspection_limit;
- "not again within N months after a clean result" (TaskPolicy.clean_result_months) excludes the
  objects whose latest approved result found no problem (`recently_clean_object_ids`);
- special-list objects in scope are MUST (002 plan 3 VII.4), with the lists kept as the reason;
- objects whose code is not a USCC (products, projects, behaviours) cannot be a protocol candidate
  and are left out, counted in the notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from registries.choices import MARKET_ENTITY_KINDS, RiskClass
from registries.drawable import conflict_pairs, drawable_inspectors
from registries.models import InspectionObject
from registries.scopes import (
    clean_scope,
    describe_scope,
    objects_in_scope,
    special_list_condition,
    special_lists_of,
)
from tasks.choices import DrawState
from tasks.draw.protocol import USCC_RE, Conflict, DrawInputs, InspectorRow, format_ts

if TYPE_CHECKING:
    from tasks.draw.protocol import Candidate
    from tasks.models import DrawnObject, Task

LEGAL_BASIS = "《市场监管领域部门联合抽查实施细则》第十二条至第十四条；draw-protocol ssj-draw/1"


@dataclass
class Snapshot:
    inputs: DrawInputs
    candidate_ids: dict[str, int]
    must_reasons: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


def recently_clean_object_ids(*, months: int | None, on: date) -> set[int]:
    """Objects whose latest approved inspection result ("未发现问题" and nothing else) was
    completed within `months` months before `on`: the office rule "not inspected again within
    N months after a clean result". The latest approved version counts (a correction in
    progress does not change it); an object whose later result found problems is not clean."""
    if not months:
        return set()
    from tasks.inspections.models import InspectionResult

    since = _months_before(on, months)
    latest: dict[int, bool] = {}
    rows = (
        InspectionResult.objects.filter(
            approved_version__isnull=False,
            approved_version__completed_on__gte=since,
            approved_version__completed_on__lte=on,
            inspection__drawn_object__draw__state=DrawState.DRAWN,
        )
        .order_by("inspection__inspection_object_id", "-approved_version__completed_on", "-pk")
        .values_list("inspection__inspection_object_id", "approved_version__categories")
    )
    for object_id, categories in rows:
        latest.setdefault(object_id, list(categories) == ["no_problem"])
    return {object_id for object_id, clean in latest.items() if clean}


def low_risk_over_limit_ids(*, limit: int, year: int) -> QuerySet[DrawnObject, int]:
    """Objects at the yearly inspection limit (the A-class ones among them are left out, 003 II);
    counted by tasks.selectors.objects_at_yearly_inspection_limit."""
    from tasks.selectors import objects_at_yearly_inspection_limit

    return objects_at_yearly_inspection_limit(year=year, limit=limit)


def candidate_queryset(task: Task, *, on: date, at: datetime | None = None) -> QuerySet[Any]:
    """The candidates, each with its `stratum`: the lead department's fused credit-risk class
    valid at the snapshot time (registries.credit), else the object's general class."""
    from registries.credit.services import fused_class_at
    from tasks.models import TaskPolicy

    policy = TaskPolicy.current()
    scope = clean_scope(task.scope)
    stratum = fused_class_at(department_id=task.lead_department_id, at=at or timezone.now())
    queryset = objects_in_scope(scope, stratum=stratum).filter(kind__in=sorted(MARKET_ENTITY_KINDS))
    over_limit = list(
        low_risk_over_limit_ids(limit=policy.low_risk_yearly_limit, year=task.start_date.year)
    )
    if over_limit:
        # Low risk is the class the draw stratifies by (fused for the lead department).
        queryset = queryset.exclude(Q(stratum=RiskClass.A) & Q(pk__in=over_limit))
    clean = recently_clean_object_ids(months=policy.clean_result_months, on=on)
    if clean:
        queryset = queryset.exclude(pk__in=clean)
    return queryset


def _inspector_loads(
    codes: list[str], start: date, end: date, exclude_task_id: int
) -> Counter[str]:
    """LOAD: groups each inspector already belongs to in standing draws overlapping [start, end]."""
    from tasks.models import GroupMember

    rows = (
        GroupMember.objects.filter(
            code__in=codes,
            replaced_by__isnull=True,
            draw__state=DrawState.DRAWN,
            draw__task__start_date__lte=end,
            draw__task__end_date__gte=start,
        )
        .exclude(draw__task_id=exclude_task_id)
        .values("code")
        .annotate(groups=Count("id"))
        .values_list("code", "groups")
    )
    return Counter(dict(rows))


def inspector_rows(task: Task, *, departments: list[str]) -> list[InspectorRow]:
    drawable = drawable_inspectors(
        department_codes=departments, start=task.start_date, end=task.end_date
    )
    loads = _inspector_loads(
        [row.code for row in drawable], task.start_date, task.end_date, task.pk
    )
    return [
        InspectorRow(row.code, row.department_code, loads.get(row.code, 0), row.max_load, row.tags)
        for row in drawable
    ]


def build_params(task: Task, *, snapshot_time: datetime, notes: dict[str, int]) -> dict[str, Any]:
    scope = clean_scope(task.scope)
    group = {dept: int(n) for dept, n in task.group_composition.items() if int(n) > 0}
    required = {
        dept: sorted(tags)
        for dept, tags in (task.required_tags or {}).items()
        if tags and dept in group
    }
    return {
        "strata": {name: dict(rule) for name, rule in task.strata.items()},
        "lead_dept": task.lead_department.code,
        "groups": int(task.groups),
        "group": group,
        "required_tags": required,
        "max_attempts": int(task.max_attempts),
        "filters": {"machine": scope, "text": describe_scope(scope), "market_entities_only": 1},
        "exclusions": dict(notes),
        "legal_basis": LEGAL_BASIS,
        "snapshot_time": format_ts(snapshot_time),
        "date_range": f"{task.start_date.isoformat()}/{task.end_date.isoformat()}",
    }


class CandidateRow(NamedTuple):
    """A candidate-file row, interchangeable with protocol.Candidate (same fields and `row`), but a
    plain tuple: building 100,000 of them costs a fraction of a frozen dataclass."""

    uscc: str
    stratum: str
    must: bool

    @property
    def row(self) -> str:
        return f"{self.uscc},{self.stratum},{int(self.must)}"


def _fetch_all(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() queryset through one plain cursor: for 100,000 rows, Django's
    per-row iterator costs more than the query itself."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _with_must(queryset: QuerySet[Any], on: date) -> QuerySet[Any]:
    """MUST as a true boolean (never NULL), evaluated by the database."""
    condition = ExpressionWrapper(special_list_condition(on), output_field=BooleanField())
    annotated: QuerySet[Any] = queryset.annotate(must=Coalesce(condition, Value(False))).order_by()
    return annotated


# A CandidateRow made from a (USCC, stratum, MUST) tuple in C, without a Python frame per row.
_new_candidate = partial(tuple.__new__, CandidateRow)


def candidate_rows(
    queryset: QuerySet[Any], *, on: date
) -> tuple[list[CandidateRow], dict[str, int], list[int], int]:
    """Stage 1's input from the registry: (candidates, {USCC: object id}, MUST ids, skipped).

    One client-side fetch without ORDER BY (the files are sorted by bytes later anyway, and a
    server-side cursor would make PostgreSQL plan for the first rows instead of all of them); the
    special lists are evaluated by the database."""
    rows = _fetch_all(_with_must(queryset, on).values_list("code", "stratum", "must", "id"))
    fullmatch = USCC_RE.fullmatch
    valid = [row for row in rows if fullmatch(row[0])]
    # map/itemgetter loop in C: for 100,000 rows this is a few milliseconds instead of ~100.
    candidates = list(map(_new_candidate, map(itemgetter(0, 1, 2), valid)))
    candidate_ids = dict(map(itemgetter(0, 3), valid))
    must_ids = list(map(itemgetter(3), filter(itemgetter(2), valid)))
    return candidates, candidate_ids, must_ids, len(rows) - len(valid)


def stage1_rows(queryset: QuerySet[Any], *, on: date) -> list[tuple[str, str, bool]]:
    """(USCC, stratum, MUST) of the candidates, straight from the database, for stage 1 alone."""
    rows = _fetch_all(_with_must(queryset, on).values_list("code", "stratum", "must"))
    fullmatch = USCC_RE.fullmatch
    return [row for row in rows if fullmatch(row[0])]


def snapshot_task(task: Task, *, now: datetime | None = None) -> Snapshot:
    """Read the registries once and build the frozen inputs of the task's next draw."""
    from registries.credit.services import fused_class_at

    now = now or timezone.now()
    on = timezone.localdate(now)
    from tasks.models import TaskPolicy

    policy = TaskPolicy.current()
    queryset = candidate_queryset(task, on=on, at=now)
    candidates, candidate_ids, must_ids, skipped = candidate_rows(queryset, on=on)
    must_reasons = {
        obj.code: [str(value) for value in special_lists_of(obj, on)]
        for obj in InspectionObject.objects.filter(pk__in=must_ids).only(
            "code", "anomaly_since", "serious_violation_since", "penalised_at", "group_complaint_at"
        )
    }
    limited = list(
        low_risk_over_limit_ids(limit=policy.low_risk_yearly_limit, year=task.start_date.year)
    )
    stratum = fused_class_at(department_id=task.lead_department_id, at=now)
    over_limit = (
        objects_in_scope(clean_scope(task.scope), stratum=stratum)
        .filter(kind__in=sorted(MARKET_ENTITY_KINDS), pk__in=limited)
        .filter(stratum=RiskClass.A)
        .count()
        if limited
        else 0
    )
    clean = recently_clean_object_ids(months=policy.clean_result_months, on=on)
    excluded_clean = (
        objects_in_scope(clean_scope(task.scope), stratum=stratum)
        .filter(kind__in=sorted(MARKET_ENTITY_KINDS), pk__in=clean)
        .exclude(Q(stratum=RiskClass.A) & Q(pk__in=limited))
        .count()
        if clean
        else 0
    )
    notes = {
        "excluded_not_uscc": skipped,
        "excluded_low_risk_limit": over_limit,
        "excluded_clean_result": excluded_clean,
    }
    departments = sorted(dept for dept, n in task.group_composition.items() if int(n) > 0)
    inspectors = inspector_rows(task, departments=departments)
    conflicts = [
        Conflict(inspector_code, object_code)
        for inspector_code, object_code in conflict_pairs(
            inspector_codes=[i.inspector_id for i in inspectors],
            objects=queryset.values("pk"),
        )
        if object_code in candidate_ids
    ]
    params = build_params(task, snapshot_time=now, notes=notes)
    # CandidateRow stands in for protocol.Candidate (same fields and `row`).
    inputs = DrawInputs(
        task.code, cast("list[Candidate]", candidates), inspectors, conflicts, params
    )
    return Snapshot(inputs, candidate_ids, must_reasons, notes)


def pool_sizes(candidates: list[Candidate]) -> dict[str, int]:
    """Stage 1's pool per stratum (MUST rows are drawn anyway and are in no pool)."""
    return dict(Counter(c.stratum for c in candidates if not c.must))


def canonical_file(rows: list[str]) -> bytes:
    """protocol.serialize_rows, faster: sorting the str rows is sorting their UTF-8 bytes (UTF-8
    keeps code point order), and the file is encoded once instead of row by row."""
    if not rows:
        return b""
    rows = sorted(rows)
    rows.append("")
    return "\n".join(rows).encode("utf-8")


def snapshot_files(inputs: DrawInputs) -> dict[str, bytes]:
    """The three canonical files of §2 (candidates, inspectors, conflicts), built once."""
    candidates = inputs.candidates
    if set(map(type, candidates)) == {CandidateRow}:
        # CandidateRow.row without a property call per row (MUST is a bool: int(must) is 0 or 1).
        rows = cast("list[CandidateRow]", candidates)
        candidate_rows_ = [f"{u},{s},{'1' if must else '0'}" for u, s, must in rows]
    else:
        candidate_rows_ = [c.row for c in candidates]
    return {
        "candidates": canonical_file(candidate_rows_),
        "inspectors": canonical_file([i.row for i in inputs.inspectors]),
        "conflicts": canonical_file([c.row for c in inputs.conflicts]),
    }


def trusted_inputs(
    task_id: str,
    candidate_rows: list[str],
    inspector_rows_: list[str],
    conflict_rows: list[str],
    params: dict[str, Any],
    *,
    validate: bool = True,
) -> DrawInputs:
    """Rebuild inputs from rows the platform itself froze (already validated at announcement),
    without re-running the per-row regular expressions."""
    rows: list[CandidateRow] = []
    append = rows.append
    for row in candidate_rows:
        uscc, stratum, must = row.split(",")
        append(CandidateRow(uscc, stratum, must == "1"))
    inspectors = []
    for row in inspector_rows_:
        code, dept, load, max_load, tags = row.split(",")
        inspectors.append(
            InspectorRow(
                code, dept, int(load), int(max_load), tuple(tags.split(";")) if tags else ()
            )
        )
    conflicts = [Conflict(*row.split(",")) for row in conflict_rows]
    candidates = cast("list[Candidate]", rows)  # CandidateRow stands in for protocol.Candidate
    if not validate:
        inputs = object.__new__(DrawInputs)  # skip __post_init__: validated at the announcement
        inputs.task_id, inputs.candidates, inputs.inspectors = task_id, candidates, inspectors
        inputs.conflicts, inputs.params = conflicts, params
        return inputs
    return DrawInputs(task_id, candidates, inspectors, conflicts, params)
