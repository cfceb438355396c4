"""Credit-risk classes: importing the general classes, a department's versioned rules, and the
set-based recomputation of the fused class per object and department (registries.credit)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, FilteredRelation, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.choices import DepartmentKind
from accounts.models import Department, User
from accounts.roles import is_department_admin, is_office_admin
from registries.choices import MARKET_ENTITY_KINDS, RiskClass
from registries.credit.rules import clean_rules
from registries.credit.signals import record_signal_sql
from registries.inspectors.importing import ImportFileError, read_table
from registries.models import (
    ClassificationRuleSet,
    FusedRiskClass,
    GeneralClassImport,
    GeneralRiskClass,
    InspectionObject,
)

CODE_COLUMNS = ("统一社会信用代码", "代码", "code")
CLASS_COLUMNS = ("风险分类", "信用风险分类", "分类", "class")


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, 28))


# --- general classes ---------------------------------------------------------------------------


@transaction.atomic
def general_classes_import(
    *, content: bytes, filename: str, issued_on: date, source: str, imported_by: User
) -> GeneralClassImport:
    """Import market regulation's general classification: every row is checked first (code
    known or not, class A–D); the objects' `risk_class` takes the imported class, each row is kept
    as history with its date and source, and the fused classes are recomputed after the commit."""
    if not is_office_admin(imported_by):
        raise PermissionDenied(_("通用分类由联席办导入。"))
    source = source.strip()
    if not source:
        raise ValidationError({"source": _("请填写来源。")})
    try:
        header, rows = read_table(content, filename)
    except ImportFileError as error:
        raise ValidationError(str(error)) from None
    names = [cell.strip() for cell in header]
    try:
        code_at = next(i for i, name in enumerate(names) if name in CODE_COLUMNS)
        class_at = next(i for i, name in enumerate(names) if name in CLASS_COLUMNS)
    except StopIteration:
        raise ValidationError(_("文件须有“统一社会信用代码”和“风险分类”两列。")) from None
    classes: dict[str, str] = {}
    errors = []
    for number, row in rows:
        code = row[code_at].strip().upper() if code_at < len(row) else ""
        value = row[class_at].strip().upper().removesuffix("类") if class_at < len(row) else ""
        if not code or value not in RiskClass.values:
            errors.append(_("第 %(row)d 行：代码为空或分类不是 A–D。") % {"row": number})
            continue
        classes[code] = value
    if errors:
        raise ValidationError(errors[:50])
    objects = dict(
        InspectionObject.objects.filter(code__in=list(classes)).values_list("code", "pk")
    )
    batch = GeneralClassImport.objects.create(
        issued_on=issued_on,
        source=source[:200],
        filename=filename[:200],
        rows=len(classes),
        unknown=len(classes) - len(objects),
        imported_by=imported_by,
    )
    GeneralRiskClass.objects.bulk_create(
        [
            GeneralRiskClass(
                inspection_object_id=pk,
                risk_class=classes[code],
                valid_from=issued_on,
                source=batch.source,
                batch=batch,
            )
            for code, pk in objects.items()
        ],
        batch_size=5000,
    )
    # Only a class issued on or after the object's latest general class replaces it.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE registries_inspectionobject o SET risk_class = g.risk_class, updated_at = now()
            FROM registries_generalriskclass g
            WHERE g.batch_id = %s AND g.inspection_object_id = o.id
              AND o.risk_class <> g.risk_class
              AND NOT EXISTS (SELECT 1 FROM registries_generalriskclass later
                              WHERE later.inspection_object_id = o.id
                                AND later.valid_from > g.valid_from)
            """,
            [batch.pk],
        )
        batch.changed = cursor.rowcount
    batch.save(update_fields=["changed"])
    record_event(
        actor=imported_by,
        action="risk_class.general_import",
        target=batch,
        details={
            "issued_on": issued_on.isoformat(),
            "source": batch.source,
            "rows": batch.rows,
            "changed": batch.changed,
            "unknown": batch.unknown,
        },
    )
    _recompute_after_commit(None)
    return batch


def _recompute_after_commit(department_id: int | None) -> None:
    from registries.jobs import risk_classes_recompute_job

    transaction.on_commit(lambda: risk_classes_recompute_job.delay(department_id=department_id))


# --- rules -------------------------------------------------------------------------------------


def current_rule_set(department: Department) -> ClassificationRuleSet | None:
    return department.classification_rules.order_by("-version").first()


@transaction.atomic
def rule_set_create(
    *, department: Department, rules: dict[str, Any], note: str, created_by: User
) -> ClassificationRuleSet:
    """A new version of the department's rules (the earlier versions stay, and every fused class
    names the version it was computed with)."""
    if not (
        is_office_admin(created_by)
        or (is_department_admin(created_by) and created_by.department_id == department.pk)
    ):
        raise PermissionDenied(_("专业分类规则由本部门管理员制定。"))
    Department.objects.select_for_update().filter(pk=department.pk).first()
    cleaned = clean_rules(rules)
    latest = department.classification_rules.aggregate(n=Max("version"))["n"] or 0
    rule_set = ClassificationRuleSet.objects.create(
        department=department,
        version=latest + 1,
        rules=cleaned,
        note=note.strip()[:300],
        created_by=created_by,
    )
    record_event(
        actor=created_by,
        action="risk_class.rules_create",
        target=rule_set,
        details={"department": department.code, "version": rule_set.version, "rules": cleaned},
    )
    _recompute_after_commit(department.pk)
    return rule_set


# --- recomputation -----------------------------------------------------------------------------


def _rule_sql(rules: dict[str, Any], params: dict[str, Any]) -> list[tuple[str, str]]:
    """(class expression, reason expression) per enabled rule; both NULL when it does not apply."""
    parts = []

    def add(name: str, condition: str, reason: str) -> None:
        params[f"cls_{name}"] = rules[name]["class"]
        parts.append(
            (
                f"CASE WHEN {condition} THEN %(cls_{name})s::varchar END",
                f"CASE WHEN {condition} THEN {reason} END",
            )
        )

    today = params["today"]
    if "anomaly" in rules:
        params["t_anomaly"] = _("列入经营异常名录（自 %s）")
        add(
            "anomaly",
            "s.anomaly_since <= %(today)s",
            "format(%(t_anomaly)s, to_char(s.anomaly_since, 'YYYY-MM'))",
        )
    if "serious_violation" in rules:
        params["t_serious"] = _("列入严重违法失信名单（自 %s）")
        add(
            "serious_violation",
            "s.serious_violation_since <= %(today)s",
            "format(%(t_serious)s, to_char(s.serious_violation_since, 'YYYY-MM'))",
        )
    if "penalised" in rules:
        params["penalised_since"] = today.replace(year=today.year - rules["penalised"]["years"])
        params["t_penalised"] = _("%s 受到行政处罚")
        add(
            "penalised",
            "s.penalised_at >= %(penalised_since)s",
            "format(%(t_penalised)s, to_char(s.penalised_at, 'YYYY-MM-DD'))",
        )
    if "group_complaint" in rules:
        params["complaint_since"] = today.replace(
            year=today.year - rules["group_complaint"]["years"]
        )
        params["t_complaint"] = _("%s 集体投诉属实")
        add(
            "group_complaint",
            "s.group_complaint_at >= %(complaint_since)s",
            "format(%(t_complaint)s, to_char(s.group_complaint_at, 'YYYY-MM-DD'))",
        )
    if "problems" in rules:
        params["problems_count"] = rules["problems"]["count"]
        params["t_problems"] = _("近 %s 个月检查发现问题 %s 次（最近 %s）")
        params["problems_months"] = rules["problems"]["months"]
        add(
            "problems",
            "p.n >= %(problems_count)s",
            "format(%(t_problems)s, %(problems_months)s, p.n, to_char(p.last_on, 'YYYY-MM-DD'))",
        )
    if "open_follow_ups" in rules:
        params["t_open"] = _("有 %s 项后续处置措施未办结")
        add("open_follow_ups", "m.n > 0", "format(%(t_open)s, m.n)")
    if "licence" in rules:
        params["licences"] = rules["licence"]["required"]
        params["t_licence"] = _("未登记所需许可（%s）")
        add(
            "licence",
            "NOT (s.licence_types && %(licences)s::varchar[])",
            "format(%(t_licence)s, array_to_string(%(licences)s::varchar[], '、'))",
        )
    if "new_entity" in rules:
        params["new_since"] = _months_before(today, rules["new_entity"]["months"])
        params["t_new"] = _("%s 新入库（不满 %s 个月）")
        params["new_months"] = rules["new_entity"]["months"]
        add(
            "new_entity",
            "s.created_at::date >= %(new_since)s",
            "format(%(t_new)s, to_char(s.created_at, 'YYYY-MM-DD'), %(new_months)s)",
        )
    return parts


def _latest_general_classes(object_ids: list[int] | None) -> None:
    """The latest general class of every object (its date and source for the explanation), once
    per recomputation for every department: a temporary table dropped at the commit."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS general_latest")
        cursor.execute(
            """
            CREATE TEMP TABLE general_latest ON COMMIT DROP AS
            SELECT DISTINCT ON (g.inspection_object_id) g.inspection_object_id AS object_id,
                   g.valid_from, g.source
            FROM registries_generalriskclass g
            WHERE %(objects)s::bigint[] IS NULL OR g.inspection_object_id = ANY(%(objects)s)
            ORDER BY g.inspection_object_id, g.valid_from DESC, g.id DESC
            """,
            {"objects": object_ids},
        )
        cursor.execute("CREATE UNIQUE INDEX ON general_latest (object_id)")
        cursor.execute("ANALYZE general_latest")


def _recompute_department(
    department: Department, *, now: datetime, object_ids: list[int] | None
) -> dict[str, int]:
    """Three statements: the department's classes into a temporary table (each with its current
    history row, if any), the current rows that changed or left the scope closed, the new ones
    inserted. The insert reads only the temporary table: a statement that inserts into the
    history while probing it would scan its own new rows (quadratic on a first run)."""
    rule_set = current_rule_set(department)
    rules = rule_set.rules if rule_set else {}
    today = timezone.localdate(now)
    params: dict[str, Any] = {
        "dept": department.pk,
        "now": now,
        "objects": object_ids,
        "today": today,
        "market": sorted(str(kind) for kind in MARKET_ENTITY_KINDS),
        "problems_since": _months_before(today, rules.get("problems", {}).get("months", 12)),
        "rule_set": rule_set.pk if rule_set else None,
        "t_general": _("通用分类 %s（%s）"),
        "t_registry": _("名录库登记"),
    }
    parts = _rule_sql(rules, params)
    # A department that has claimed objects classifies those (read from its claims, not by
    # scanning the registry), one that has claimed none every market entity.
    supervised = (
        """o.id IN (SELECT sv.inspection_object_id FROM registries_objectsupervision sv
                    WHERE sv.department_id = %(dept)s)"""
        if department.supervisions.exists()
        else "TRUE"
    )
    classes = ", ".join(cls for cls, _reason in parts) or "NULL"
    reasons = "".join(f", {reason}" for _cls, reason in parts)
    professional = f"GREATEST({classes})" if parts else "NULL::varchar"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS fused_tmp")
        cursor.execute(
            f"""
            CREATE TEMP TABLE fused_tmp ON COMMIT DROP AS
            WITH scope AS (
                SELECT o.* FROM registries_inspectionobject o
                WHERE o.kind = ANY(%(market)s) AND o.status = 'active'
                  AND (%(objects)s::bigint[] IS NULL OR o.id = ANY(%(objects)s::bigint[]))
                  AND {supervised}
            ),
            problems AS ({record_signal_sql("problems")}),
            open_measures AS ({record_signal_sql("open_measures")}),
            signals AS (
                SELECT s.id AS object_id, s.risk_class::varchar AS general_class,
                       {professional} AS professional,
                       array_remove(ARRAY[
                           format(%(t_general)s, s.risk_class, COALESCE(
                               to_char(g.valid_from, 'YYYY-MM-DD') || ' ' || g.source,
                               %(t_registry)s)){reasons}
                       ], NULL) AS reasons
                FROM scope s
                LEFT JOIN general_latest g ON g.object_id = s.id
                LEFT JOIN problems p ON p.object_id = s.id
                LEFT JOIN open_measures m ON m.object_id = s.id
            ),
            computed AS (
                SELECT object_id, general_class, professional,
                       GREATEST(general_class, professional) AS fused,
                       to_jsonb(reasons) AS reasons, %(rule_set)s::bigint AS rule_set_id
                FROM signals
            )
            SELECT c.*, f.id IS NOT NULL AS has_current,
                   f.risk_class IS NOT DISTINCT FROM c.fused
                     AND f.reasons IS NOT DISTINCT FROM c.reasons
                     AND f.rule_set_id IS NOT DISTINCT FROM c.rule_set_id AS unchanged
            FROM computed c
            -- One probe of the current-row index per object, whatever the statistics say about
            -- the rows this transaction has just written.
            LEFT JOIN LATERAL (
                SELECT f.id, f.risk_class, f.reasons, f.rule_set_id
                FROM registries_fusedriskclass f
                WHERE f.inspection_object_id = c.object_id AND f.department_id = %(dept)s
                  AND f.valid_to IS NULL
                LIMIT 1  -- at most one (fusedclass_one_current); keeps the probe per object
            ) f ON TRUE
            """,
            params,
        )
        cursor.execute("CREATE INDEX ON fused_tmp (object_id)")
        cursor.execute("ANALYZE fused_tmp")
        cursor.execute(
            """
            UPDATE registries_fusedriskclass f SET valid_to = %(now)s
            WHERE f.department_id = %(dept)s AND f.valid_to IS NULL
              AND (%(objects)s::bigint[] IS NULL
                   OR f.inspection_object_id = ANY(%(objects)s::bigint[]))
              AND NOT EXISTS (
                  SELECT 1 FROM fused_tmp t
                  WHERE t.object_id = f.inspection_object_id AND t.unchanged)
            """,
            params,
        )
        closed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO registries_fusedriskclass (inspection_object_id, department_id,
                risk_class, general_class, professional_class, reasons, rule_set_id,
                valid_from, valid_to)
            SELECT t.object_id, %(dept)s, t.fused, t.general_class, COALESCE(t.professional, ''),
                   t.reasons, t.rule_set_id, %(now)s, NULL
            FROM fused_tmp t
            WHERE NOT t.unchanged
            ORDER BY t.object_id
            """,
            params,
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE fused_tmp")
    return {"closed": closed, "written": written}


@transaction.atomic
def risk_classes_recompute(
    *,
    department: Department | None = None,
    object_ids: list[int] | None = None,
    now: datetime | None = None,
) -> dict[str, int]:
    """Recompute the fused classes of one department (or of every ordinary department): set-based
    SQL, a new history row only where the class or its reasons changed (nothing is written when
    nothing changed). Idempotent."""
    now = now or timezone.now()
    departments = (
        [department]
        if department is not None
        else list(Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True))
    )
    _latest_general_classes(object_ids)
    totals = {"closed": 0, "written": 0}
    for each in departments:
        counts = _recompute_department(each, now=now, object_ids=object_ids)
        totals = {key: totals[key] + counts[key] for key in totals}
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE general_latest")
    return totals


def fused_class_at(*, department_id: int, at: datetime) -> Coalesce:
    """An expression for a queryset of InspectionObject: the department's fused class valid at
    `at`, else the object's general class (what plans and draws stratify by)."""
    valid = FusedRiskClass.objects.filter(
        inspection_object=OuterRef("pk"), department_id=department_id, valid_from__lte=at
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
    return Coalesce(Subquery(valid.values("risk_class")[:1]), F("risk_class"))


def with_current_fused_class(
    queryset: QuerySet[InspectionObject], *, department_id: int
) -> QuerySet[Any]:  # InspectionObject with `stratum`
    """`stratum` on a queryset of InspectionObject: the department's current fused class, else
    the general class (the class a draw taken now stratifies by). One join on the current rows,
    for counts over the whole registry (plan and task estimates)."""
    return queryset.annotate(
        current_fused=FilteredRelation(
            "fused_classes",
            condition=Q(
                fused_classes__department_id=department_id, fused_classes__valid_to__isnull=True
            ),
        )
    ).annotate(stratum=Coalesce(F("current_fused__risk_class"), F("risk_class")))


def fused_history(
    inspection_object: InspectionObject, *, departments: Iterable[Any] | None = None
) -> QuerySet[FusedRiskClass]:
    rows = FusedRiskClass.objects.filter(inspection_object=inspection_object).select_related(
        "department", "rule_set"
    )
    if departments is not None:
        rows = rows.filter(department__in=departments)
    return rows.order_by("department__code", "-valid_from")
