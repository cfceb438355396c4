"""The office's indicators from the records (003; domain.md, Indicators).

Every indicator is one SQL query that lists its *units* (an inspection visit, a matter, a result, a
draw, a follow-up measure, a plan item, an object) with three months:

- ``den_month``: from which month of the year the unit is in the denominator (NULL: all year);
- ``num_month``: from which month it is in the numerator (NULL: never);
- ``num_until``: from which month it leaves the numerator again (the low-risk object's third
  inspection), NULL: it stays.

The dashboard aggregates the units in the database (``GROUP BY`` the three months, a dozen rows
back), the trend cumulates them month by month, and the drill-down lists the same units with their
labels: the number and the records behind it can never disagree, and nothing is stored that could
drift. Months after the year (a December result published in January) count as December.

Scope: the whole city (``department=None``) or one department. A random inspection belongs to
every department of its task (lead and participating); results, draws and publication to the lead
department; a follow-up measure to the department carrying it out.

Counting rules (tested in tests/tasks/indicators/):
- a *visit* is one inspection of a standing draw (voided draws do not count), and the inspections
  of two tasks visiting an object together (an agreed combined visit) are one visit: an object
  inspected by several departments in one joint visit counts once;
- the inspection date is the result's completion date, else the scheduled date, else the task's
  end date;
- a result is *entered* at its first submission: the earlier of the current submission and the
  first version's approval, so a correction after publication does not make it late (or on time);
- a task's drawn list is its first draw's: the five working days run from the draw (the date of
  the reveal) to the list's publication, as the `drawn_list_publication` deadline of
  publication.deadlines records them (one authority for the date rules and the calendar).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind
from accounts.models import Department
from publication.calendar.workdays import shanghai_today
from registries.choices import MARKET_ENTITY_KINDS

MONTHS = range(1, 13)
TZ = "Asia/Shanghai"


def _month(expr: str) -> str:
    """The month of a date expression within the year: 1…12, later dates count as December."""
    return (
        f"CASE WHEN ({expr}) IS NULL THEN NULL WHEN ({expr}) > %(end)s THEN 12 "
        f"ELSE GREATEST(1, date_part('month', ({expr}))::int) END"
    )


def _later(den_month: str, date_expr: str) -> str:
    """The numerator month of a unit that enters the numerator on a date (NULL: not yet); never
    before it enters the denominator. (GREATEST alone would skip the NULL.)"""
    return (
        f"CASE WHEN ({date_expr}) IS NOT NULL THEN GREATEST({den_month}, {_month(date_expr)}) END"
    )


def _local(expr: str) -> str:
    return f"(({expr}) AT TIME ZONE '{TZ}')::date"


# The task belongs to the department when it leads or takes part in it. Written as a semi-join on
# the department's task ids (the parameters are interpolated, so for the city the planner folds
# the condition away, and for a department it starts from its tasks).
DEPARTMENT_TASK_IDS = """SELECT dt.id FROM tasks_task dt WHERE dt.lead_department_id = %(dept)s
    UNION ALL SELECT tp.task_id FROM tasks_task_participating_departments tp
    WHERE tp.department_id = %(dept)s"""
TASK_OF_DEPARTMENT = f"(%(dept)s::bigint IS NULL OR t.id IN ({DEPARTMENT_TASK_IDS}))"
TASK_LED_BY_DEPARTMENT = "(%(dept)s::bigint IS NULL OR t.lead_department_id = %(dept)s)"

# One row per random inspection of a standing draw in the year, with its visit key.
INSPECTIONS = f"""
    SELECT i.id, i.task_id, i.inspection_object_id AS object_id, dobj.stratum,
           COALESCE('c' || i.combined_visit_id::text, 'i' || i.id::text) AS visit_key,
           i.combined_visit_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM tasks_task_participating_departments tp
                        WHERE tp.task_id = t.id) AS joint,
           COALESCE(r.completed_on, i.scheduled_on, t.end_date) AS on_date
    FROM tasks_inspection i
    JOIN tasks_drawnobject dobj ON dobj.id = i.drawn_object_id
    JOIN tasks_draw dr ON dr.id = dobj.draw_id AND dr.state = 'drawn'
    JOIN tasks_task t ON t.id = i.task_id
    LEFT JOIN tasks_inspectionresult r ON r.inspection_id = i.id
    WHERE COALESCE(r.completed_on, i.scheduled_on, t.end_date) BETWEEN %(start)s AND %(end)s
      AND (%(dept)s::bigint IS NULL OR i.task_id IN ({DEPARTMENT_TASK_IDS}))
"""

VISITS = f"""
    SELECT insp.visit_key, min(insp.on_date) AS on_date, bool_or(insp.joint) AS joint,
           min(insp.id) AS inspection_id, min(insp.object_id) AS object_id,
           string_agg(DISTINCT t.code, '、') AS tasks
    FROM ({INSPECTIONS}) insp JOIN tasks_task t ON t.id = insp.task_id
    GROUP BY insp.visit_key
"""


# --- the dashboards: every scope in one statement ------------------------------------------------
#
# The counts of the dashboards and the league table come from one statement for the city and every
# department at once (not one query per department), without the labels (the 1,000,000-row
# registry is joined only in the drill-down, `units`). `%(city)s` asks for the city's rows (dept
# NULL), `%(departments)s` for the departments' (all of them, or only `%(dept)s`). A unit that
# belongs to several departments (the inspections of a joint task) is expanded once per department
# through `task_scope`, so each department counts exactly what its own scope would (tested against
# the per-department drill-down in tests/tasks/indicators/test_live.py).
# Replaced by the semi-join on the department's tasks when one department is asked for (a plain
# IN, not under an OR, so that the planner joins from the department's tasks).
ONLY_DEPARTMENT_TASKS = "/* department tasks */ TRUE"

COUNTS_PRELUDE = f"""
WITH task_departments AS (
    SELECT t.id AS task_id, t.lead_department_id AS dept FROM tasks_task t
    UNION
    SELECT tp.task_id, tp.department_id FROM tasks_task_participating_departments tp
),
task_scope AS (
    SELECT t.id AS task_id, NULL::bigint AS dept FROM tasks_task t WHERE %(city)s
    UNION ALL
    SELECT td.task_id, td.dept FROM task_departments td
    WHERE %(departments)s AND (%(dept)s::bigint IS NULL OR td.dept = %(dept)s)
),
-- The inspections of standing draws with their results, read once: those dated in the year (the
-- visits), and those whose result was first approved or is due in the year (the results).
standing AS MATERIALIZED (
    SELECT i.task_id, t.lead_department_id AS lead, i.inspection_object_id AS object_id,
           dobj.stratum,
           CASE WHEN i.combined_visit_id IS NOT NULL THEN -i.combined_visit_id ELSE i.id END
             AS visit_key,
           i.combined_visit_id IS NOT NULL
             OR i.task_id IN (SELECT tp.task_id FROM tasks_task_participating_departments tp)
             AS joint,
           COALESCE(r.completed_on, i.scheduled_on, t.end_date) AS on_date,
           r.id AS result_id, r.due_on, r.submitted_at, r.published_version_id, r.published_at,
           v1.approved_at AS first_approved_at
    FROM tasks_inspection i
    JOIN tasks_drawnobject dobj ON dobj.id = i.drawn_object_id
    JOIN tasks_draw dr ON dr.id = dobj.draw_id AND dr.state = 'drawn'
    JOIN tasks_task t ON t.id = i.task_id
    LEFT JOIN tasks_inspectionresult r ON r.inspection_id = i.id
    LEFT JOIN tasks_resultversion v1 ON v1.result_id = r.id AND v1.number = 1
    WHERE (COALESCE(r.completed_on, i.scheduled_on, t.end_date) BETWEEN %(start)s AND %(end)s
           OR r.due_on BETWEEN %(start)s AND %(end)s
           OR (v1.approved_at >= %(start_at)s AND v1.approved_at < %(end_at)s))
      AND {ONLY_DEPARTMENT_TASKS}
),
year_inspections AS (
    SELECT st.task_id, st.object_id, st.visit_key, st.on_date, st.joint,
           st.stratum = 'A' AS low_risk
    FROM standing st WHERE st.on_date BETWEEN %(start)s AND %(end)s
),
-- A visit (an inspection, or the inspections of a combined visit) is of one object; only the
-- combined visits need grouping.
scoped_visits AS MATERIALIZED (
    SELECT v.*, {_month("v.on_date")} AS on_month
    FROM (SELECT ts.dept, yi.object_id, yi.visit_key, yi.on_date, yi.joint, yi.low_risk
          FROM year_inspections yi JOIN task_scope ts ON ts.task_id = yi.task_id
          WHERE yi.visit_key > 0
          UNION ALL
          SELECT ts.dept, yi.object_id, yi.visit_key, min(yi.on_date), bool_or(yi.joint),
                 bool_or(yi.low_risk)
          FROM year_inspections yi JOIN task_scope ts ON ts.task_id = yi.task_id
          WHERE yi.visit_key < 0
          GROUP BY ts.dept, yi.object_id, yi.visit_key) v
),
-- Each inspected object per scope: its first visit's month, its number of visits, and whether
-- it was drawn as low-risk (class A) in one of them.
inspected_objects AS MATERIALIZED (
    SELECT sv.dept, sv.object_id, min(sv.on_month) AS first_month, count(*) AS visits,
           bool_or(sv.low_risk) AS low_risk
    FROM scoped_visits sv GROUP BY sv.dept, sv.object_id
),
-- The results by lead department (one department per result).
standing_results AS (
    SELECT st.lead AS dept, st.due_on, st.submitted_at, st.published_version_id,
           st.published_at, st.first_approved_at
    FROM standing st
    WHERE st.result_id IS NOT NULL AND (%(dept)s::bigint IS NULL OR st.lead = %(dept)s)
)
"""

# Drawn objects are market entities by construction (the draw's candidates are market entities
# only: tasks.services.snapshots.candidate_queryset), so the numerator needs no registry probe.
SAMPLING_COUNTS = """
    SELECT io.dept, NULL::int AS den_month, io.first_month AS num_month, NULL::int AS num_until
    FROM inspected_objects io
"""


def _not_active_market_entity() -> str:
    """`NOT (o.kind = ANY(market) AND o.status = 'active')` written as ranges of the
    (kind, status) index (object_kind_status_idx), so that the few objects it holds are found
    without reading the whole registry: every kind below, between and above the market kinds,
    and the market kinds with any other status."""
    kinds = sorted(str(kind) for kind in MARKET_ENTITY_KINDS)
    ranges = [f"o.kind < '{kinds[0]}'", f"o.kind > '{kinds[-1]}'"]
    ranges += [f"(o.kind > '{low}' AND o.kind < '{high}')" for low, high in pairwise(kinds)]
    ranges.append("(o.kind = ANY(%(market)s) AND (o.status < 'active' OR o.status > 'active'))")
    return "(" + " OR ".join(ranges) + ")"


# Per department: the market entities it supervises (any supervision row), or the registry's
# when it has claimed none (dept absent from the rows: the caller falls back to the city's).
# Counted as all its supervised objects minus those that are not active market entities: two
# index scans instead of joining the registry with every supervision row.
SAMPLING_DENOMINATORS = f"""
    SELECT NULL::bigint AS dept, count(*) FROM registries_inspectionobject o
    WHERE o.kind = ANY(%(market)s) AND o.status = 'active'
      AND (%(city)s OR NOT EXISTS (SELECT 1 FROM registries_objectsupervision s
                                   WHERE s.department_id = %(dept)s))
    UNION ALL
    SELECT supervised.dept, supervised.n - COALESCE(excluded.n, 0)
    FROM (SELECT s.department_id AS dept, count(*) AS n FROM registries_objectsupervision s
          WHERE %(departments)s AND (%(dept)s::bigint IS NULL OR s.department_id = %(dept)s)
          GROUP BY s.department_id) supervised
    LEFT JOIN (
        SELECT s.department_id AS dept, count(*) AS n
        FROM registries_inspectionobject o
        JOIN registries_objectsupervision s ON s.inspection_object_id = o.id
        WHERE {_not_active_market_entity()}
          AND %(departments)s AND (%(dept)s::bigint IS NULL OR s.department_id = %(dept)s)
        GROUP BY s.department_id
    ) excluded ON excluded.dept = supervised.dept
"""


COVERAGE_COUNTS = f"""
    SELECT ms.dept, NULL::int AS den_month, {_month("cov.first_on")} AS num_month,
           NULL::int AS num_until
    FROM (SELECT m.id AS matter_id, NULL::bigint AS dept FROM catalog_matter m
          WHERE %(city)s AND m.status = 'active' AND NOT m.is_common
          UNION ALL
          SELECT m.id, md.department_id FROM catalog_matter m
          JOIN catalog_matter_implementing_departments md ON md.matter_id = m.id
          WHERE %(departments)s AND m.status = 'active' AND NOT m.is_common
            AND (%(dept)s::bigint IS NULL OR md.department_id = %(dept)s)) ms
    LEFT JOIN (
        SELECT tm.matter_id, ts.dept, min(t.start_date) AS first_on
        FROM tasks_task_matters tm
        JOIN tasks_task t ON t.id = tm.task_id
        JOIN task_scope ts ON ts.task_id = t.id
        WHERE t.start_date BETWEEN %(start)s AND %(end)s
          AND EXISTS (SELECT 1 FROM tasks_draw dr WHERE dr.task_id = t.id AND dr.state = 'drawn')
        GROUP BY tm.matter_id, ts.dept
    ) cov ON cov.matter_id = ms.matter_id AND COALESCE(cov.dept, 0) = COALESCE(ms.dept, 0)
"""

RANDOM_SHARE_COUNTS = f"""
    SELECT v.dept, v.on_month AS den_month, v.on_month AS num_month, NULL::int AS num_until
    FROM scoped_visits v
    UNION ALL
    SELECT x.dept, {_month("x.inspected_on")}, NULL, NULL
    FROM (SELECT x.inspected_on, NULL::bigint AS dept FROM plans_otherinspection x
          WHERE %(city)s AND x.inspected_on BETWEEN %(start)s AND %(end)s
          UNION ALL
          SELECT x.inspected_on, x.department_id FROM plans_otherinspection x
          WHERE %(departments)s AND x.inspected_on BETWEEN %(start)s AND %(end)s
            AND (%(dept)s::bigint IS NULL OR x.department_id = %(dept)s)) x
"""

JOINT_SHARE_COUNTS = """
    SELECT v.dept, v.on_month AS den_month, CASE WHEN v.joint THEN v.on_month END AS num_month,
           NULL::int AS num_until
    FROM scoped_visits v
"""

# The third visit's date is looked up only for the low-risk objects visited three times or more.
LOW_RISK_COUNTS = f"""
    SELECT io.dept, io.first_month AS den_month, io.first_month AS num_month,
           {_month("third.on_date")} AS num_until
    FROM inspected_objects io
    LEFT JOIN (
        SELECT sv.dept, sv.object_id, (array_agg(sv.on_date ORDER BY sv.on_date))[3] AS on_date
        FROM scoped_visits sv
        WHERE (COALESCE(sv.dept, 0), sv.object_id) IN (
            SELECT COALESCE(often.dept, 0), often.object_id FROM inspected_objects often
            WHERE often.low_risk AND often.visits >= 3)
        GROUP BY sv.dept, sv.object_id
    ) third ON third.object_id = io.object_id AND COALESCE(third.dept, 0) = COALESCE(io.dept, 0)
    WHERE io.low_risk
"""

# One department per unit: its rows are the departments', the city sums them.
SINGLE_DEPARTMENT = "(%(dept)s::bigint IS NULL OR t.lead_department_id = %(dept)s)"

PUBLICATION_COUNTS = f"""
    SELECT t.lead_department_id AS dept, {_month("t.start_date")} AS den_month,
           {_later(_month("t.start_date"), _local("ann.first_at"))} AS num_month,
           NULL::int AS num_until
    FROM tasks_task t
    LEFT JOIN LATERAL (SELECT min(dr.announced_at) AS first_at FROM tasks_draw dr
                       WHERE dr.task_id = t.id AND dr.kind = 'draw') ann ON TRUE
    WHERE t.approved_at IS NOT NULL AND t.start_date BETWEEN %(start)s AND %(end)s
      AND {SINGLE_DEPARTMENT}
    UNION ALL
    SELECT sr.dept, {_month(_local("sr.first_approved_at"))},
           CASE WHEN sr.published_version_id IS NOT NULL THEN
             {_later(_month(_local("sr.first_approved_at")), _local("sr.published_at"))} END,
           NULL
    FROM standing_results sr
    WHERE sr.first_approved_at >= %(start_at)s AND sr.first_approved_at < %(end_at)s
"""

RESULTS_ON_TIME_COUNTS = f"""
    SELECT sr.dept, {_month("sr.due_on")} AS den_month,
           CASE WHEN e.entered_on <= sr.due_on THEN {_month("sr.due_on")} END AS num_month,
           NULL::int AS num_until
    FROM standing_results sr
    CROSS JOIN LATERAL (SELECT LEAST({_local("sr.submitted_at")},
                                     {_local("sr.first_approved_at")}) AS entered_on) e
    WHERE sr.due_on BETWEEN %(start)s AND %(end)s
      AND (sr.due_on < %(today)s OR e.entered_on IS NOT NULL)
"""

DRAWN_LISTS_ON_TIME_COUNTS = f"""
    SELECT t.lead_department_id AS dept, {_month("dl.start_date")} AS den_month,
           CASE WHEN dl.state = 'met' THEN
             {_later(_month("dl.start_date"), "dl.closed_on")} END AS num_month,
           NULL::int AS num_until
    FROM tasks_task t
    JOIN LATERAL (
        SELECT d.start_date, d.due_date, d.state, d.closed_on
        FROM publication_deadline d
        JOIN tasks_draw dr ON dr.id = d.subject_id AND dr.task_id = t.id
        WHERE d.kind = 'drawn_list_publication' AND d.state <> 'cancelled'
          AND d.subject_type_id = (SELECT ct.id FROM django_content_type ct
                                   WHERE ct.app_label = 'tasks' AND ct.model = 'draw')
        ORDER BY d.start_date, d.id
        LIMIT 1
    ) dl ON TRUE
    WHERE dl.start_date BETWEEN %(start)s AND %(end)s
      AND (dl.due_date < %(today)s OR dl.closed_on IS NOT NULL)
      AND {SINGLE_DEPARTMENT}
"""

FOLLOW_UP_COUNTS = f"""
    SELECT m.department_id AS dept, {_month(_local("m.created_at"))} AS den_month,
           CASE WHEN m.status = 'closed' THEN
             {_later(_month(_local("m.created_at")), "m.outcome_on")} END AS num_month,
           NULL::int AS num_until
    FROM tasks_followupmeasure m
    WHERE m.created_at >= %(start_at)s AND m.created_at < %(end_at)s
      AND (%(dept)s::bigint IS NULL OR m.department_id = %(dept)s)
"""

CREDIT_COUNTS = """
    SELECT pi.department_id AS dept, NULL::int AS den_month,
           CASE WHEN (SELECT count(DISTINCT COALESCE(pi.ratios ->> c, '-'))
                      FROM unnest(ARRAY['A','B','C','D']) c) > 1 THEN 1 END AS num_month,
           NULL::int AS num_until
    FROM plans_planitem pi JOIN plans_planyear py ON py.id = pi.plan_year_id
    WHERE py.year = %(year)s AND pi.status IN ('submitted', 'approved')
      AND (%(dept)s::bigint IS NULL OR pi.department_id = %(dept)s)
"""


@dataclass(frozen=True)
class Definition:
    key: str
    label: Promise
    target_bp: int
    explanation: Promise
    units_sql: str
    # SQL for a denominator that is not a count of units (the registry for the sampling ratio).
    constant_denominator_sql: str = ""
    # The units' label and link: (kind, id) → url name of the record page.
    unit_kind: str = ""
    # The same units for the dashboards, without labels: ``dept, den_month, num_month,
    # num_until`` per unit and department, for every department at once (COUNTS_PRELUDE).
    counts_sql: str = ""
    # True when each unit has exactly one department (lead, carrying out, planning): the city is
    # then the sum of the departments. False: the rows carry dept NULL for the city themselves.
    single_department: bool = False


SAMPLING = Definition(
    "sampling",
    _("企业抽查比例"),
    300,
    _(
        "年度内被随机抽查的市场主体（同一主体多次检查只计一次）÷ 名录库存续市场主体；"
        "部门以其认领监管的主体为分母。"
    ),
    f"""
    SELECT 'object' AS kind, o.id AS ref_id, o.name || '（' || o.code || '）' AS label,
           NULL::int AS den_month, {_month("min(insp.on_date)")} AS num_month,
           NULL::int AS num_until, count(DISTINCT insp.visit_key)::text || %(times)s AS note
    FROM ({INSPECTIONS}) insp
    JOIN registries_inspectionobject o ON o.id = insp.object_id
    GROUP BY o.id, o.name, o.code
    """,
    constant_denominator_sql="""
    SELECT CASE WHEN %(dept)s::bigint IS NOT NULL AND EXISTS (
                  SELECT 1 FROM registries_objectsupervision s WHERE s.department_id = %(dept)s)
           THEN (SELECT count(DISTINCT o.id) FROM registries_inspectionobject o
                 JOIN registries_objectsupervision s ON s.inspection_object_id = o.id
                 WHERE s.department_id = %(dept)s AND o.kind = ANY(%(market)s)
                   AND o.status = 'active')
           ELSE (SELECT count(*) FROM registries_inspectionobject o
                 WHERE o.kind = ANY(%(market)s) AND o.status = 'active') END
    """,
    unit_kind="object",
    counts_sql=SAMPLING_COUNTS,
)

COVERAGE = Definition(
    "coverage",
    _("抽查事项覆盖率"),
    10000,
    _(
        "现行抽查事项（通用事项除外）中年度内至少由一项已抽取任务检查的比例；"
        "部门以其实施的事项为分母、以其牵头或参与的任务为准。"
    ),
    f"""
    SELECT 'matter' AS kind, m.id AS ref_id, m.code || ' ' || m.name AS label,
           NULL::int AS den_month, {_month("cov.first_on")} AS num_month, NULL::int AS num_until,
           COALESCE(cov.tasks, '') AS note
    FROM catalog_matter m
    LEFT JOIN LATERAL (
        SELECT min(t.start_date) AS first_on, string_agg(DISTINCT t.code, '、') AS tasks
        FROM tasks_task_matters tm JOIN tasks_task t ON t.id = tm.task_id
        WHERE tm.matter_id = m.id AND t.start_date BETWEEN %(start)s AND %(end)s
          AND EXISTS (SELECT 1 FROM tasks_draw dr WHERE dr.task_id = t.id AND dr.state = 'drawn')
          AND {TASK_OF_DEPARTMENT}
    ) cov ON TRUE
    WHERE m.status = 'active' AND NOT m.is_common
      AND (%(dept)s::bigint IS NULL OR EXISTS (
          SELECT 1 FROM catalog_matter_implementing_departments md
          WHERE md.matter_id = m.id AND md.department_id = %(dept)s))
    """,
    unit_kind="matter",
    counts_sql=COVERAGE_COUNTS,
)

RANDOM_SHARE = Definition(
    "random_share",
    _("双随机抽查占比"),
    4000,
    _(
        "随机抽查次数 ÷（随机抽查次数 + 登记或导入的其他检查次数）；"
        "合并检查、联合检查进一次门只计一次。"
    ),
    f"""
    SELECT 'inspection' AS kind, v.inspection_id AS ref_id, v.tasks || ' · ' || o.name AS label,
           {_month("v.on_date")} AS den_month, {_month("v.on_date")} AS num_month,
           NULL::int AS num_until, %(random)s AS note
    FROM ({VISITS}) v JOIN registries_inspectionobject o ON o.id = v.object_id
    UNION ALL
    SELECT 'other', x.id, x.object_name, {_month("x.inspected_on")}, NULL, NULL, %(other)s
    FROM plans_otherinspection x
    WHERE x.inspected_on BETWEEN %(start)s AND %(end)s
      AND (%(dept)s::bigint IS NULL OR x.department_id = %(dept)s)
    """,
    unit_kind="inspection",
    counts_sql=RANDOM_SHARE_COUNTS,
)

JOINT_SHARE = Definition(
    "joint_share",
    _("部门联合抽查占比"),
    3000,
    _("多部门联合任务或合并检查的检查次数 ÷ 随机抽查次数（进一次门只计一次）。"),
    f"""
    SELECT 'inspection' AS kind, v.inspection_id AS ref_id, v.tasks || ' · ' || o.name AS label,
           {_month("v.on_date")} AS den_month,
           CASE WHEN v.joint THEN {_month("v.on_date")} END AS num_month,
           NULL::int AS num_until, CASE WHEN v.joint THEN %(joint)s ELSE %(single)s END AS note
    FROM ({VISITS}) v JOIN registries_inspectionobject o ON o.id = v.object_id
    """,
    unit_kind="inspection",
    counts_sql=JOINT_SHARE_COUNTS,
)

PUBLICATION = Definition(
    "publication",
    _("计划任务和抽查结果公示率"),
    10000,
    _(
        "年度内开始的任务已公告（公示任务计划）的比例与审核通过的检查结果已公示的比例合计："
        "（已公告任务 + 已公示结果）÷（任务 + 审核通过的结果）。"
    ),
    f"""
    SELECT 'task' AS kind, t.id AS ref_id, t.code || ' ' || t.title AS label,
           {_month("t.start_date")} AS den_month,
           {_later(_month("t.start_date"), _local("ann.first_at"))} AS num_month,
           NULL::int AS num_until,
           CASE WHEN ann.first_at IS NULL THEN %(not_announced)s ELSE %(announced)s END AS note
    FROM tasks_task t
    LEFT JOIN LATERAL (SELECT min(dr.announced_at) AS first_at FROM tasks_draw dr
                       WHERE dr.task_id = t.id AND dr.kind = 'draw') ann ON TRUE
    WHERE t.approved_at IS NOT NULL AND t.start_date BETWEEN %(start)s AND %(end)s
      AND {TASK_LED_BY_DEPARTMENT}
    UNION ALL
    SELECT 'result', r.id, t.code || ' · ' || o.name,
           {_month(_local("v1.approved_at"))},
           CASE WHEN r.published_version_id IS NOT NULL THEN
             {_later(_month(_local("v1.approved_at")), _local("r.published_at"))} END,
           NULL,
           CASE WHEN r.published_version_id IS NULL THEN %(not_published)s
                ELSE %(published)s END
    FROM tasks_inspectionresult r
    JOIN tasks_resultversion v1 ON v1.result_id = r.id AND v1.number = 1
    JOIN tasks_inspection i ON i.id = r.inspection_id
    JOIN tasks_drawnobject dobj ON dobj.id = i.drawn_object_id
    JOIN tasks_draw dr ON dr.id = dobj.draw_id AND dr.state = 'drawn'
    JOIN tasks_task t ON t.id = i.task_id
    JOIN registries_inspectionobject o ON o.id = i.inspection_object_id
    WHERE {_local("v1.approved_at")} BETWEEN %(start)s AND %(end)s
      AND {TASK_LED_BY_DEPARTMENT}
    """,
    unit_kind="task",
    counts_sql=PUBLICATION_COUNTS,
    single_department=True,
)

RESULTS_ON_TIME = Definition(
    "results_on_time",
    _("检查结果20个工作日内录入率"),
    10000,
    _(
        "期限（检查完成后第20个工作日）在年度内且已到期或已录入的检查结果中，按期录入的比例；"
        "录入时间为首次提交，更正不改变。"
    ),
    f"""
    SELECT 'result' AS kind, r.id AS ref_id, t.code || ' · ' || o.name AS label,
           {_month("r.due_on")} AS den_month,
           CASE WHEN e.entered_on <= r.due_on THEN {_month("r.due_on")} END AS num_month,
           NULL::int AS num_until,
           %(due)s || to_char(r.due_on, 'YYYY-MM-DD') || COALESCE(
               %(entered)s || to_char(e.entered_on, 'YYYY-MM-DD'), %(not_entered)s) AS note
    FROM tasks_inspectionresult r
    JOIN tasks_inspection i ON i.id = r.inspection_id
    JOIN tasks_drawnobject dobj ON dobj.id = i.drawn_object_id
    JOIN tasks_draw dr ON dr.id = dobj.draw_id AND dr.state = 'drawn'
    JOIN tasks_task t ON t.id = i.task_id
    JOIN registries_inspectionobject o ON o.id = i.inspection_object_id
    LEFT JOIN tasks_resultversion v1 ON v1.result_id = r.id AND v1.number = 1
    CROSS JOIN LATERAL (SELECT LEAST({_local("r.submitted_at")}, {_local("v1.approved_at")})
                        AS entered_on) e
    WHERE r.due_on BETWEEN %(start)s AND %(end)s
      AND (r.due_on < %(today)s OR e.entered_on IS NOT NULL)
      AND {TASK_LED_BY_DEPARTMENT}
    """,
    unit_kind="result",
    counts_sql=RESULTS_ON_TIME_COUNTS,
    single_department=True,
)

DRAWN_LISTS_ON_TIME = Definition(
    "drawn_lists_on_time",
    _("抽取结果5个工作日内公示率"),
    10000,
    _(
        "年度内完成抽取的任务中，自抽取之日起5个工作日内公示抽查名单的比例"
        "（尚未公示且已逾期的计为未按期）。"
    ),
    f"""
    SELECT 'task' AS kind, t.id AS ref_id, t.code || ' ' || t.title AS label,
           {_month("dl.start_date")} AS den_month,
           CASE WHEN dl.state = 'met' THEN
             {_later(_month("dl.start_date"), "dl.closed_on")} END AS num_month,
           NULL::int AS num_until,
           %(due)s || to_char(dl.due_date, 'YYYY-MM-DD') || COALESCE(
               %(drawn)s || to_char(dl.closed_on, 'YYYY-MM-DD'), %(not_drawn)s) AS note
    FROM tasks_task t
    JOIN LATERAL (
        SELECT d.start_date, d.due_date, d.state, d.closed_on
        FROM publication_deadline d
        JOIN tasks_draw dr ON dr.id = d.subject_id AND dr.task_id = t.id
        WHERE d.kind = 'drawn_list_publication' AND d.state <> 'cancelled'
          AND d.subject_type_id = (SELECT ct.id FROM django_content_type ct
                                   WHERE ct.app_label = 'tasks' AND ct.model = 'draw')
        ORDER BY d.start_date, d.id
        LIMIT 1
    ) dl ON TRUE
    WHERE dl.start_date BETWEEN %(start)s AND %(end)s
      AND (dl.due_date < %(today)s OR dl.closed_on IS NOT NULL)
      AND {TASK_LED_BY_DEPARTMENT}
    """,
    unit_kind="task",
    counts_sql=DRAWN_LISTS_ON_TIME_COUNTS,
    single_department=True,
)

FOLLOW_UP = Definition(
    "follow_up",
    _("后续处置率"),
    10000,
    _("年度内登记的后续处置措施中已办结的比例。"),
    f"""
    SELECT 'measure' AS kind, m.id AS ref_id, t.code || ' · ' || o.name AS label,
           {_month(_local("m.created_at"))} AS den_month,
           CASE WHEN m.status = 'closed' THEN
             {_later(_month(_local("m.created_at")), "m.outcome_on")} END AS num_month,
           NULL::int AS num_until,
           CASE WHEN m.status = 'closed' THEN %(closed)s ELSE %(open)s END AS note
    FROM tasks_followupmeasure m
    JOIN tasks_inspectionresult r ON r.id = m.result_id
    JOIN tasks_inspection i ON i.id = r.inspection_id
    JOIN tasks_task t ON t.id = i.task_id
    JOIN registries_inspectionobject o ON o.id = i.inspection_object_id
    WHERE {_local("m.created_at")} BETWEEN %(start)s AND %(end)s
      AND (%(dept)s::bigint IS NULL OR m.department_id = %(dept)s)
    """,
    unit_kind="measure",
    counts_sql=FOLLOW_UP_COUNTS,
    single_department=True,
)

# An item differentiates by credit class when its four ratios are not all the same (as
# plans.scoping.uses_credit_classes: a missing class counts as its own value).
CREDIT = Definition(
    "credit",
    _("信用风险分类结果应用率"),
    10000,
    _("年度计划中按信用风险分类区分抽查比例的计划事项所占比例。"),
    """
    SELECT 'item' AS kind, pi.id AS ref_id, pi.title AS label,
           NULL::int AS den_month,
           CASE WHEN (SELECT count(DISTINCT COALESCE(pi.ratios ->> c, '-'))
                      FROM unnest(ARRAY['A','B','C','D']) c) > 1 THEN 1 END AS num_month,
           NULL::int AS num_until, '' AS note
    FROM plans_planitem pi JOIN plans_planyear py ON py.id = pi.plan_year_id
    WHERE py.year = %(year)s AND pi.status IN ('submitted', 'approved')
      AND (%(dept)s::bigint IS NULL OR pi.department_id = %(dept)s)
    """,
    unit_kind="item",
    counts_sql=CREDIT_COUNTS,
    single_department=True,
)

LOW_RISK = Definition(
    "low_risk",
    _("低风险对象抽查不超过2次"),
    10000,
    _("年度内被抽查的低风险（抽取时为A类）对象中，抽查次数不超过2次的比例（进一次门只计一次）。"),
    f"""
    SELECT 'object' AS kind, o.id AS ref_id, o.name || '（' || o.code || '）' AS label,
           {_month("min(lv.on_date)")} AS den_month, {_month("min(lv.on_date)")} AS num_month,
           {_month("(array_agg(lv.on_date ORDER BY lv.on_date))[3]")} AS num_until,
           count(*)::text || %(times)s AS note
    FROM (SELECT insp.object_id, insp.visit_key, min(insp.on_date) AS on_date,
                 bool_or(insp.stratum = 'A') AS low_risk
          FROM ({INSPECTIONS}) insp
          GROUP BY insp.object_id, insp.visit_key) lv
    JOIN registries_inspectionobject o ON o.id = lv.object_id
    GROUP BY o.id, o.name, o.code
    HAVING bool_or(lv.low_risk)
    """,
    unit_kind="object",
    counts_sql=LOW_RISK_COUNTS,
)

DEFINITIONS: tuple[Definition, ...] = (
    SAMPLING,
    COVERAGE,
    RANDOM_SHARE,
    JOINT_SHARE,
    PUBLICATION,
    RESULTS_ON_TIME,
    DRAWN_LISTS_ON_TIME,
    FOLLOW_UP,
    CREDIT,
    LOW_RISK,
)
BY_KEY = {definition.key: definition for definition in DEFINITIONS}


def format_bp(value: int | None) -> str:
    if value is None:
        return "—"
    return f"{value / 100:.2f}".rstrip("0").rstrip(".") + "%"


def ratio_bp(numerator: int, denominator: int) -> int | None:
    return numerator * 10000 // denominator if denominator else None


@dataclass
class Point:
    month: int
    numerator: int
    denominator: int

    @property
    def value_bp(self) -> int | None:
        return ratio_bp(self.numerator, self.denominator)

    @property
    def value_label(self) -> str:
        return format_bp(self.value_bp)


@dataclass
class Indicator:
    """One indicator for one year and scope: the value now, against the target, and its trend
    (year to date at the end of each month)."""

    key: str
    label: str
    explanation: str
    target_bp: int
    numerator: int
    denominator: int
    trend: list[Point] = field(default_factory=list)

    @property
    def value_bp(self) -> int | None:
        return ratio_bp(self.numerator, self.denominator)

    @property
    def value_label(self) -> str:
        return format_bp(self.value_bp)

    @property
    def target_label(self) -> str:
        return "≥ " + format_bp(self.target_bp)

    @property
    def ok(self) -> bool | None:
        value = self.value_bp
        return None if value is None else value >= self.target_bp

    @property
    def tone(self) -> str:
        return {None: "neutral", True: "good", False: "warn"}[self.ok]

    @property
    def status_label(self) -> str:
        return str({None: _("无数据"), True: _("达标"), False: _("未达标")}[self.ok])


@dataclass
class Scope:
    """What the queries are asked about: a year, one department or the city, and "today"."""

    year: int
    department_id: int | None = None
    today: date = field(default_factory=shanghai_today)

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 12, 31)

    def params(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "start": self.start,
            "end": self.end,
            "today": self.today,
            "dept": self.department_id,
            "market": sorted(str(kind) for kind in MARKET_ENTITY_KINDS),
            "times": str(_(" 次")),
            "random": str(_("随机抽查")),
            "other": str(_("其他检查")),
            "joint": str(_("联合")),
            "single": str(_("单部门")),
            "announced": str(_("已公告")),
            "not_announced": str(_("未公告")),
            "published": str(_("已公示")),
            "not_published": str(_("未公示")),
            "due": str(_("期限 ")),
            "entered": str(_("，录入 ")),
            "not_entered": str(_("，未录入")),
            "drawn": str(_("，公示 ")),
            "not_drawn": str(_("，未公示")),
            "closed": str(_("已办结")),
            "open": str(_("跟踪中")),
        }


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _indicator(
    definition: Definition, rows: list[tuple], constant: int | None, target_bp: int | None
) -> Indicator:
    """Cumulate one scope's (den_month, num_month, num_until, count) rows month by month."""
    trend = []
    for month in MONTHS:
        numerator = denominator = 0
        for den_month, num_month, num_until, count in rows:
            if den_month is None or den_month <= month:
                denominator += count
            if (
                num_month is not None
                and num_month <= month
                and (num_until is None or num_until > month)
            ):
                numerator += count
        trend.append(Point(month, numerator, constant if constant is not None else denominator))
    now = trend[-1]
    return Indicator(
        key=definition.key,
        label=str(definition.label),
        explanation=str(definition.explanation),
        target_bp=definition.target_bp if target_bp is None else target_bp,
        numerator=now.numerator,
        denominator=now.denominator,
        trend=trend,
    )


def compute_scopes(
    year: int,
    *,
    today: date | None = None,
    city: bool = True,
    departments: bool = False,
    department_id: int | None = None,
    definitions: tuple[Definition, ...] | list[Definition] = DEFINITIONS,
    targets: dict[str, int] | None = None,
) -> dict[int | None, list[Indicator]]:
    """The indicators of the city (key None) and/or of the departments (every department with
    records, or only `department_id`), all in one statement: each indicator is aggregated
    by department and month in the database and cumulated here."""
    scope = Scope(year, department_id, today=today or shanghai_today())
    params = scope.params()
    params.update(
        city=city and department_id is None,
        departments=departments or department_id is not None,
        start_at=datetime.combine(scope.start, time(), tzinfo=ZoneInfo(TZ)),
        end_at=datetime.combine(scope.end + timedelta(days=1), time(), tzinfo=ZoneInfo(TZ)),
    )
    parts = []
    for definition in definitions:
        parts.append(
            f"SELECT %(key_{definition.key})s AS key, u.dept, u.den_month, u.num_month, "
            f"u.num_until, count(*) AS n FROM ({definition.counts_sql}) u "
            "GROUP BY u.dept, u.den_month, u.num_month, u.num_until"
        )
        params[f"key_{definition.key}"] = definition.key
    prelude = COUNTS_PRELUDE
    if department_id is not None:
        prelude = prelude.replace(ONLY_DEPARTMENT_TASKS, f"i.task_id IN ({DEPARTMENT_TASK_IDS})")
    with transaction.atomic(), connection.cursor() as cursor:
        # The year's inspections, once per department, are grouped in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            prelude + " " + " UNION ALL ".join(parts),
            params,
        )
        rows = cursor.fetchall()
    by_scope: dict[tuple[str, int | None], list[tuple]] = {}
    single = {definition.key for definition in definitions if definition.single_department}
    for key, dept, *counts in rows:
        by_scope.setdefault((key, dept), []).append(tuple(counts))
        if key in single:  # the city is the sum of the departments
            by_scope.setdefault((key, None), []).append(tuple(counts))
    denominators: dict[int | None, int] = {}
    if any(definition.constant_denominator_sql for definition in definitions):
        denominators = dict(_fetch(SAMPLING_DENOMINATORS, params))
    scopes: list[int | None] = []
    if params["city"]:
        scopes.append(None)
    if department_id is not None:
        scopes.append(department_id)
    elif params["departments"]:
        scopes.extend(
            Department.objects.filter(kind=DepartmentKind.DEPARTMENT).values_list("pk", flat=True)
        )
    if targets is None:
        targets = targets_for(year)
    result: dict[int | None, list[Indicator]] = {}
    for dept in scopes:
        indicators = []
        for definition in definitions:
            constant = None
            if definition.constant_denominator_sql:
                constant = denominators.get(dept, denominators.get(None)) or 0
            indicators.append(
                _indicator(
                    definition,
                    by_scope.get((definition.key, dept), []),
                    constant,
                    targets.get(definition.key),
                )
            )
        result[dept] = indicators
    return result


def compute(definition: Definition, scope: Scope, target_bp: int | None = None) -> Indicator:
    """One indicator for one scope."""
    indicators = compute_scopes(
        scope.year,
        today=scope.today,
        department_id=scope.department_id,
        definitions=(definition,),
        targets={definition.key: target_bp} if target_bp is not None else {},
    )
    return indicators[scope.department_id][0]


def compute_all(scope: Scope) -> list[Indicator]:
    return compute_scopes(scope.year, today=scope.today, department_id=scope.department_id)[
        scope.department_id
    ]


def targets_for(year: int) -> dict[str, int]:
    from plans.models import IndicatorTarget

    targets = {definition.key: definition.target_bp for definition in DEFINITIONS}
    targets.update(IndicatorTarget.objects.filter(year=year).values_list("key", "target_bp"))
    return targets


@dataclass
class Unit:
    kind: str
    ref_id: int
    label: str
    in_denominator: bool
    in_numerator: bool
    note: str


def units(
    definition: Definition, scope: Scope, *, failing_only: bool = False, limit: int = 500
) -> list[Unit]:
    """The records behind an indicator (the drill-down): those outside the numerator first."""
    in_num = "(u.num_month IS NOT NULL AND u.num_until IS NULL)"
    where = f"WHERE NOT {in_num}" if failing_only else ""
    rows = _fetch(
        f"SELECT u.kind, u.ref_id, u.label, TRUE, {in_num}, u.note "
        f"FROM ({definition.units_sql}) u {where} "
        f"ORDER BY {in_num}, u.label, u.ref_id LIMIT %(limit)s",
        {**scope.params(), "limit": limit},
    )
    return [Unit(*row) for row in rows]


def unit_url(unit: Unit) -> str:
    """The page of a unit's record, where the platform has one."""
    from django.urls import NoReverseMatch, reverse

    names = {
        "object": ("registries:object_detail", "object_id"),
        "matter": ("catalog:matter_detail", "matter_id"),
        "task": ("tasks:task_detail", "task_id"),
        "inspection": ("inspections:inspection_detail", "inspection_id"),
        "item": ("plans:item_detail", "item_id"),
    }
    if unit.kind not in names:
        return ""
    name, kwarg = names[unit.kind]
    try:
        return reverse(name, kwargs={kwarg: unit.ref_id})
    except NoReverseMatch:
        return ""
