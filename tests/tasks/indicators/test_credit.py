"""Credit-risk classes: the general import, a department's versioned rules, the fused class with
its reasons and history, and the draw's candidates stratified by the class valid at the snapshot."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registries.credit.services import (
    general_classes_import,
    risk_classes_recompute,
    rule_set_create,
)
from registries.models import FusedRiskClass, GeneralRiskClass, InspectionObject
from tasks.services.snapshots import candidate_queryset
from tests.tasks.factories import make_objects
from tests.tasks.indicators.builders import make_draw, make_result, make_task

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 11, 1, 12, tzinfo=SHANGHAI)


def csv(*rows):
    return ("统一社会信用代码,风险分类\n" + "\n".join(",".join(row) for row in rows)).encode()


@pytest.fixture
def objects(db):
    return make_objects(4, start=700_000, risk_cycle=("B",))


def test_general_import_sets_the_class_with_date_and_source(objects, office_admin, dept_admin_a):
    first, second = objects[0], objects[1]
    with pytest.raises(PermissionDenied):
        general_classes_import(
            content=csv((first.code, "A")), filename="x.csv", issued_on=date(2025, 1, 10),
            source="省局", imported_by=dept_admin_a,
        )  # fmt: skip
    batch = general_classes_import(
        content=csv((first.code, "A"), (second.code, "D类"), ("91330100MA0000000X", "C")),
        filename="classes.csv", issued_on=date(2025, 6, 1), source="省市场监管局",
        imported_by=office_admin,
    )  # fmt: skip
    assert (batch.rows, batch.changed, batch.unknown) == (3, 2, 1)
    first.refresh_from_db()
    assert first.risk_class == "A"
    # An older issue imported later is history, not the current class.
    general_classes_import(
        content=csv((first.code, "C")), filename="old.csv", issued_on=date(2024, 6, 1),
        source="旧分类", imported_by=office_admin,
    )  # fmt: skip
    first.refresh_from_db()
    assert first.risk_class == "A"
    assert GeneralRiskClass.objects.filter(inspection_object=first).count() == 2
    with pytest.raises(ValidationError) as error:
        general_classes_import(
            content=csv((first.code, "E")), filename="bad.csv", issued_on=date(2025, 6, 1),
            source="x", imported_by=office_admin,
        )  # fmt: skip
    assert "第 2 行" in error.value.messages[0]


def test_rules_are_versioned_per_department(dept_admin_a, dept_admin_b, department_a):
    first = rule_set_create(
        department=department_a, rules={"anomaly": {"class": "C"}}, note="", created_by=dept_admin_a
    )
    second = rule_set_create(
        department=department_a,
        rules={"anomaly": {"class": "D"}},
        note="收紧",
        created_by=dept_admin_a,
    )
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(PermissionDenied):
        rule_set_create(department=department_a, rules={}, note="", created_by=dept_admin_b)
    with pytest.raises(ValidationError):
        rule_set_create(
            department=department_a,
            rules={"anomaly": {"class": "X"}},
            note="",
            created_by=dept_admin_a,
        )
    with pytest.raises(ValidationError):
        rule_set_create(
            department=department_a, rules={"problems": {"class": "C", "count": 0}}, note="",
            created_by=dept_admin_a,
        )  # fmt: skip


def test_fused_class_explains_itself_and_keeps_its_history(
    objects, office_admin, dept_admin_a, department_a, department_b
):
    target, quiet = objects[0], objects[1]
    InspectionObject.objects.filter(pk=target.pk).update(
        anomaly_since=date(2025, 3, 1), anomaly_source="市场监管局"
    )
    # Two results that found problems in 2025, one clean.
    task = make_task("CR1", department_a, office_admin, start=date(2025, 4, 1))
    _, inspections = make_draw(
        task, office_admin, announced=date(2025, 3, 20), drawn=date(2025, 3, 21),
        objects=[target, quiet],
    )  # fmt: skip
    make_result(inspections[0], office_admin, completed=date(2025, 4, 10), due=date(2025, 5, 9),
                approved=date(2025, 4, 12), categories=["rectified"])  # fmt: skip
    make_result(inspections[1], office_admin, completed=date(2025, 4, 10), due=date(2025, 5, 9),
                approved=date(2025, 4, 12))  # fmt: skip
    task2 = make_task("CR2", department_a, office_admin, start=date(2025, 8, 1))
    _, (again,) = make_draw(
        task2, office_admin, announced=date(2025, 7, 20), drawn=date(2025, 7, 21), objects=[target]
    )
    make_result(again, office_admin, completed=date(2025, 8, 5), due=date(2025, 9, 2),
                approved=date(2025, 8, 6), categories=["not_publicised"])  # fmt: skip

    rule_set = rule_set_create(
        department=department_a,
        rules={"anomaly": {"class": "C"}, "problems": {"class": "C", "count": 2, "months": 12}},
        note="",
        created_by=dept_admin_a,
    )
    risk_classes_recompute(department=department_a, now=NOW)
    fused = FusedRiskClass.objects.get(inspection_object=target, department=department_a)
    assert (fused.risk_class, fused.general_class, fused.professional_class) == ("C", "B", "C")
    assert fused.rule_set == rule_set
    assert "列入经营异常名录（自 2025-03）" in fused.explanation
    assert "检查发现问题 2 次" in fused.explanation
    clean = FusedRiskClass.objects.get(inspection_object=quiet, department=department_a)
    assert clean.risk_class == "B" and len(clean.reasons) == 1  # the general class only

    # Unchanged: nothing written; department B has no rules: the general class.
    assert risk_classes_recompute(department=department_a, now=NOW + timedelta(hours=1)) == {
        "closed": 0, "written": 0,
    }  # fmt: skip
    risk_classes_recompute(department=department_b, now=NOW)
    assert (
        FusedRiskClass.objects.get(inspection_object=target, department=department_b).risk_class
        == "B"
    )

    # Off the list: a new row from the later moment, the old one closed.
    later = NOW + timedelta(days=10)
    InspectionObject.objects.filter(pk=target.pk).update(anomaly_since=None)
    counts = risk_classes_recompute(department=department_a, object_ids=[target.pk], now=later)
    assert counts == {"closed": 1, "written": 1}
    history = list(
        FusedRiskClass.objects.filter(inspection_object=target, department=department_a).order_by(
            "valid_from"
        )
    )
    assert [row.valid_to for row in history] == [later, None]
    assert history[1].risk_class == "C"  # the problems rule still applies
    assert "经营异常" not in history[1].explanation

    # The draw stratifies by the lead department's class valid at the snapshot time.
    task3 = make_task("CR3", department_a, office_admin, start=date(2025, 12, 1))
    strata = dict(
        candidate_queryset(task3, on=NOW.date(), at=NOW - timedelta(days=1)).values_list(
            "pk", "stratum"
        )
    )
    assert strata[target.pk] == "B"  # before any fused class existed: the general class
    strata = dict(candidate_queryset(task3, on=NOW.date(), at=NOW).values_list("pk", "stratum"))
    assert strata[target.pk] == "C"


def test_pages_import_rules_and_object_panel(
    objects, client_for, office_admin, dept_admin_a, department_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    target = objects[0]
    office = client_for(office_admin)
    response = office.post(
        reverse("registries:risk_class_import"),
        {
            "file": SimpleUploadedFile("c.csv", csv((target.code, "C"))),
            "issued_on": "2025-06-01",
            "source": "省市场监管局",
        },
    )
    assert response.status_code == 302
    admin = client_for(dept_admin_a)
    response = admin.post(reverse("registries:risk_rules"), {"anomaly__class": "D", "note": "首版"})
    assert response.status_code == 302
    assert department_a.classification_rules.get().rules == {"anomaly": {"class": "D"}}
    InspectionObject.objects.filter(pk=target.pk).update(anomaly_since=date(2025, 3, 1))
    risk_classes_recompute(department=department_a)
    page = office.get(reverse("registries:object_detail", args=[target.pk]))
    html = page.content.decode()
    assert 'data-testid="risk-classes"' in html
    assert "列入经营异常名录（自 2025-03）" in html and "省市场监管局" in html


def test_low_risk_yearly_limit_reads_the_fused_class_of_the_lead_department(
    office_admin, dept_admin_a, department_a, department_b
):
    # Both objects are general class A and were inspected twice in 2025 (the yearly limit of a
    # low-risk object). Department A's rules make `flagged` C: for A's next draw it is not a
    # low-risk object and stays a candidate; for B (no rules: fused A) it is left out.
    flagged, plain = make_objects(2, start=710_000, risk_cycle=("A",))
    InspectionObject.objects.filter(pk=flagged.pk).update(anomaly_since=date(2025, 2, 1))
    for code, month in (("LR1", 3), ("LR2", 6)):
        task = make_task(code, department_a, office_admin, start=date(2025, month, 1))
        make_draw(
            task, office_admin, announced=date(2025, month - 1, 20),
            drawn=date(2025, month - 1, 21), objects=[flagged, plain],
        )  # fmt: skip
    rule_set_create(
        department=department_a, rules={"anomaly": {"class": "C"}}, note="", created_by=dept_admin_a
    )
    risk_classes_recompute(now=NOW)
    for_a = make_task("LR3", department_a, office_admin, start=date(2025, 12, 1))
    strata = dict(candidate_queryset(for_a, on=NOW.date(), at=NOW).values_list("pk", "stratum"))
    assert strata.get(flagged.pk) == "C"
    assert plain.pk not in strata
    for_b = make_task("LR4", department_b, office_admin, start=date(2025, 12, 1))
    strata = dict(candidate_queryset(for_b, on=NOW.date(), at=NOW).values_list("pk", "stratum"))
    assert flagged.pk not in strata and plain.pk not in strata


def test_plan_estimates_count_by_the_fused_class_as_the_draw_does(
    office_admin, dept_admin_a, department_a, department_b
):
    from plans.choices import PlanItemStatus
    from plans.indicators import compute_indicators
    from plans.scoping import estimate_scope
    from tests.plans.factories import PlanItemFactory, PlanYearFactory

    # Four objects of general class B in an industry of their own; department A's licence rule
    # makes the two without a food licence C for A (not for B, which has no rules).
    objects = make_objects(4, start=720_000, risk_cycle=("B",), industry_code="Z9988")
    InspectionObject.objects.filter(pk__in=[objects[0].pk, objects[1].pk]).update(
        licence_types=["食品经营"]
    )
    rule_set_create(
        department=department_a,
        rules={"licence": {"class": "C", "required": ["食品经营"]}},
        note="",
        created_by=dept_admin_a,
    )
    risk_classes_recompute()
    scope = {"industry_prefixes": ["Z9988"]}
    only_c = {"A": 0, "B": 0, "C": 10000, "D": 0}

    def populations(estimate):
        return {row.risk_class: row.population for row in estimate.classes}

    for_a = estimate_scope(scope, only_c, department_id=department_a.pk)
    assert populations(for_a)["B"] == 2 and populations(for_a)["C"] == 2
    assert for_a.market_expected == 2
    for_b = estimate_scope(scope, only_c, department_id=department_b.pk)
    assert populations(for_b)["B"] == 4 and for_b.market_expected == 0

    plan_year = PlanYearFactory(year=2026, opened_by=office_admin)
    PlanItemFactory(
        plan_year=plan_year, department=department_a, ratios=only_c, scope=scope,
        status=PlanItemStatus.SUBMITTED,
    )  # fmt: skip
    PlanItemFactory(
        plan_year=plan_year, department=department_b, ratios=only_c, scope=scope,
        status=PlanItemStatus.SUBMITTED,
    )  # fmt: skip
    indicators = compute_indicators(plan_year)
    sampling = {row.code: row.measures[0].numerator for row in indicators.departments}
    assert sampling[department_a.code] == 2 and sampling[department_b.code] == 0
    assert indicators.overall.measures[0].numerator == 2


def test_a_scope_limited_to_risk_classes_selects_by_the_fused_class(
    office_admin, dept_admin_a, department_a, department_b
):
    # A scope "classes C and D only" means the class the draw stratifies by: two objects of
    # general class B that department A's licence rule makes C are in A's scope (candidates and
    # estimate alike), not in B's, which has no rules.
    from plans.scoping import estimate_scope

    objects = make_objects(4, start=730_000, risk_cycle=("B",), industry_code="Z9977")
    raised = {objects[2].pk, objects[3].pk}
    InspectionObject.objects.filter(pk__in=[objects[0].pk, objects[1].pk]).update(
        licence_types=["食品经营"]
    )
    rule_set_create(
        department=department_a,
        rules={"licence": {"class": "C", "required": ["食品经营"]}},
        note="",
        created_by=dept_admin_a,
    )
    risk_classes_recompute(now=NOW)
    scope = {"industry_prefixes": ["Z9977"], "risk_classes": ["C", "D"]}
    ratios = {"A": 0, "B": 0, "C": 10000, "D": 10000}

    for_a = make_task("SC1", department_a, office_admin, start=date(2025, 12, 1))
    for_a.scope = scope
    strata = dict(candidate_queryset(for_a, on=NOW.date(), at=NOW).values_list("pk", "stratum"))
    assert strata == dict.fromkeys(raised, "C")
    for_b = make_task("SC2", department_b, office_admin, start=date(2025, 12, 1))
    for_b.scope = scope
    assert not candidate_queryset(for_b, on=NOW.date(), at=NOW).exists()

    assert estimate_scope(scope, ratios, department_id=department_a.pk).market_expected == 2
    assert estimate_scope(scope, ratios, department_id=department_b.pk).market_expected == 0
    assert estimate_scope(scope, ratios).market_expected == 0  # no department: the general class
