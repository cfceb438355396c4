"""The bridge between the inspector registry and the draw (ssj-draw/1, draw-protocol.md §1.3–1.4).

- `drawable_inspectors` gives the rows of the inspector file: every inspector of the participating
  departments who is active (or on a leave that does not touch the task's date range), holds an
  enforcement certificate valid over the whole range, plus the experts when the pseudo-department
  `EXPERT` takes part. One query per registry, whatever the size.
- `conflict_pairs` gives the rows of the conflict file: confirmed recusal declarations plus the
  automatic rules the office has switched on, for inspectors and experts alike, computed for the
  whole candidate pool in one set-based SQL statement (a JOIN between the people and the
  candidates), never with a Python loop over the candidates.
- `ineligibility_reasons` says, in Chinese, why someone is not in the inspector file (for the UI);
  it applies exactly the conditions of `drawable_condition`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from registries.choices import InspectorStatus, RecusalStatus
from registries.models import Expert, InspectionObject, Inspector, Recusal, RecusalRule

EXPERT_DEPARTMENT = "EXPERT"
FINAL_STATUSES = frozenset({InspectorStatus.TRANSFERRED, InspectorStatus.RETIRED})


@dataclass(frozen=True, slots=True)
class DrawableInspector:
    """One row of the inspector file: `INSPECTOR_ID,DEPT,LOAD,MAX_LOAD,TAGS` without LOAD (the
    tasks app counts the groups each one already belongs to in the period)."""

    code: str
    department_code: str
    tags: tuple[str, ...]
    max_load: int

    @property
    def is_expert(self) -> bool:
        return self.department_code == EXPERT_DEPARTMENT


def leave_overlaps_condition(start: date, end: date) -> Q:
    """On leave during at least one day of [start, end]; open-ended leave dates count as unbounded."""
    return (
        Q(status=InspectorStatus.ON_LEAVE)
        & (Q(status_since__isnull=True) | Q(status_since__lte=end))
        & (Q(status_until__isnull=True) | Q(status_until__gte=start))
    )


def drawable_condition(start: date, end: date) -> Q:
    """Inspectors who can be drawn for a task running from start to end (both inclusive).

    An on-leave inspector whose leave lies entirely outside the range is drawable: leave is a dated,
    temporary status. Transferred and retired are final, whatever their dates.
    """
    return (
        Q(status__in=[InspectorStatus.ACTIVE, InspectorStatus.ON_LEAVE])
        & ~leave_overlaps_condition(start, end)
        & ~Q(certificate_number="")
        & Q(certificate_valid_until__gte=end)
        & (Q(certificate_valid_from__isnull=True) | Q(certificate_valid_from__lte=start))
        & Q(department__is_active=True)
    )


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValueError("end must not be before start")


def drawable_inspectors(
    *,
    department_codes: Iterable[str],
    start: date,
    end: date,
    required_tags: dict[str, list[str]] | None = None,
) -> list[DrawableInspector]:
    """The inspector file's rows for these departments over [start, end], sorted by code.

    `required_tags` ({department code: [tags]}) keeps only those holding every required tag of
    their department; leave it None to get the full file and let the draw apply `able(i)`.
    Experts are included (department code "EXPERT") when "EXPERT" is among department_codes;
    an expert is drawable when their status is active.
    """
    _check_range(start, end)
    codes = sorted(set(department_codes))
    required = {dept: frozenset(tags) for dept, tags in (required_tags or {}).items() if tags}
    rows: list[DrawableInspector] = []
    department_only = [code for code in codes if code != EXPERT_DEPARTMENT]
    if department_only:
        query = (
            Inspector.objects.filter(department__code__in=department_only)
            .filter(drawable_condition(start, end))
            .values_list("code", "department__code", "tags", "max_load")
        )
        for code, department_code, tags, max_load in query:
            rows.append(
                DrawableInspector(code, department_code, tuple(sorted(set(tags))), max_load)
            )
    if EXPERT_DEPARTMENT in codes:
        experts = Expert.objects.filter(status=InspectorStatus.ACTIVE).values_list(
            "code", "tags", "max_load"
        )
        for code, tags, max_load in experts:
            rows.append(
                DrawableInspector(code, EXPERT_DEPARTMENT, tuple(sorted(set(tags))), max_load)
            )
    if required:
        rows = [
            row for row in rows if required.get(row.department_code, frozenset()) <= set(row.tags)
        ]
    rows.sort(key=lambda row: row.code)
    return rows


def ineligibility_reasons(person: Inspector | Expert, start: date, end: date) -> list[str]:
    """Why this inspector (or expert) cannot be drawn for [start, end]; empty when drawable."""
    _check_range(start, end)
    reasons: list[str] = []
    status_label = InspectorStatus(person.status).label
    if person.status in FINAL_STATUSES:
        reasons.append(_("人员状态为“%(status)s”，不再参加抽取。") % {"status": status_label})
    if isinstance(person, Expert):
        if person.status == InspectorStatus.ON_LEAVE:
            reasons.append(_("专家状态为“休假”，暂不参加抽取。"))
        return reasons
    if person.status == InspectorStatus.ON_LEAVE:
        since_ok = person.status_since is None or person.status_since <= end
        until_ok = person.status_until is None or person.status_until >= start
        if since_ok and until_ok:
            reasons.append(
                _("休假期间（%(since)s 至 %(until)s）与检查期间重叠。")
                % {
                    "since": person.status_since or _("未定"),
                    "until": person.status_until or _("未定"),
                }
            )
    if not person.certificate_number:
        reasons.append(_("未登记执法证，不能参加执法检查。"))
    else:
        if person.certificate_valid_until is None:
            reasons.append(_("执法证未登记有效期。"))
        elif person.certificate_valid_until < end:
            if person.certificate_valid_until < start:
                reasons.append(
                    _("执法证已于 %(date)s 过期。") % {"date": person.certificate_valid_until}
                )
            else:
                reasons.append(
                    _("执法证有效期至 %(date)s，早于检查结束日期 %(end)s。")
                    % {"date": person.certificate_valid_until, "end": end}
                )
        if person.certificate_valid_from is not None and person.certificate_valid_from > start:
            reasons.append(
                _("执法证自 %(date)s 起生效，晚于检查开始日期 %(start)s。")
                % {"date": person.certificate_valid_from, "start": start}
            )
    if not person.department.is_active:
        reasons.append(_("所属部门已停用。"))
    return reasons


def _candidate_sql(objects: Any) -> tuple[str, list[Any]]:
    """SQL selecting the candidate objects' (id, code, grid, region_code), and its parameters.

    `objects` is a queryset of InspectionObject, a one-column values()/values_list() queryset of
    object ids (e.g. from a candidate table), or a list of object ids (int) or codes (str).
    """
    table = InspectionObject._meta.db_table
    columns = f"o.id, o.code, o.grid, o.region_code FROM {table} o"
    if isinstance(objects, QuerySet):
        selected = getattr(objects, "_fields", None)  # set on a values()/values_list() queryset
        if selected:
            if len(selected) != 1:
                raise ValueError("a values() queryset of candidates must select exactly one column")
            ids = objects
        elif objects.model is InspectionObject:
            ids = objects.values("pk")
        else:
            raise ValueError("pass a queryset of InspectionObject or a values() queryset of ids")
        if not ids.query.is_sliced:
            ids = ids.order_by()
        sql, params = ids.query.sql_with_params()
        return f"SELECT {columns} WHERE o.id IN ({sql})", list(params)
    values = list(objects)
    # A long list goes as one comma-separated text parameter split in SQL: psycopg2 would spell a
    # Python list as ARRAY[...] with one literal per element, which PostgreSQL parses and plans
    # three times slower (100,000 ids: 1.2 s instead of 0.4 s). Codes contain no commas (ASCII
    # identifiers, draw-protocol.md §2).
    if values and all(isinstance(value, str) for value in values):
        joined, cast = ",".join(values), "text[]"
        key = "code"
    else:
        joined, cast = ",".join(str(int(value)) for value in values), "bigint[]"
        key = "id"
    return (
        f"SELECT {columns} JOIN unnest(string_to_array(%s, ',')::{cast}) AS wanted(value)"
        f" ON wanted.value = o.{key}",
        [joined],
    )


def conflict_pairs(
    *, inspector_codes: Iterable[str], objects: QuerySet[Any] | Iterable[int] | Iterable[str]
) -> Iterator[tuple[str, str]]:
    """(inspector code, object code) pairs that must not meet, sorted, without duplicates.

    The sources, in one statement: confirmed recusal declarations (declared or rejected ones do
    not count), and, when the office has switched them on, the automatic rules own_grid (same
    non-empty grid) and own_region (same non-empty administrative-division code). Codes are
    inspectors' or experts' (EXPERT-…) codes; the two registries never share a code. One query
    whatever the pool size, run when the iteration starts.
    """
    codes = sorted(set(inspector_codes))
    if not codes:
        return
    candidate_sql, candidate_params = _candidate_sql(objects)
    inspector_table = Inspector._meta.db_table
    expert_table = Expert._meta.db_table
    recusal_table = Recusal._meta.db_table
    rule_table = RecusalRule._meta.db_table
    sql = f"""
        WITH insp AS MATERIALIZED (
            SELECT id AS inspector_id, NULL::bigint AS expert_id, code, grid, region_code
                FROM {inspector_table} WHERE code = ANY(%s)
            UNION ALL
            SELECT NULL::bigint, id, code, grid, region_code
                FROM {expert_table} WHERE code = ANY(%s)
        ), cand AS MATERIALIZED ({candidate_sql})
        SELECT i.code, c.code FROM {recusal_table} r
            JOIN insp i ON i.inspector_id = r.inspector_id
            JOIN cand c ON c.id = r.inspection_object_id
            WHERE r.status = %s
        UNION
        SELECT i.code, c.code FROM {recusal_table} r
            JOIN insp i ON i.expert_id = r.expert_id
            JOIN cand c ON c.id = r.inspection_object_id
            WHERE r.status = %s
        UNION
        SELECT i.code, c.code FROM insp i JOIN cand c ON c.grid = i.grid
            WHERE i.grid <> ''
              AND EXISTS (SELECT 1 FROM {rule_table} WHERE kind = %s AND is_active)
        UNION
        SELECT i.code, c.code FROM insp i JOIN cand c ON c.region_code = i.region_code
            WHERE i.region_code <> ''
              AND EXISTS (SELECT 1 FROM {rule_table} WHERE kind = %s AND is_active)
        ORDER BY 1, 2
    """  # table names come from model metadata; every value is a parameter
    params = [
        codes,
        codes,
        *candidate_params,
        RecusalStatus.CONFIRMED.value,
        RecusalStatus.CONFIRMED.value,
        RecusalRule.Kind.OWN_GRID.value,
        RecusalRule.Kind.OWN_REGION.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(10_000)
            if not rows:
                break
            yield from rows


def active_rule_kinds() -> list[str]:
    return sorted(RecusalRule.objects.filter(is_active=True).values_list("kind", flat=True))
