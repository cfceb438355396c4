"""Filters of the object list (shared by the page, the API and the exports), the capped count,
and the indexes the name search relies on."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from registries.models import InspectionObject
from registries.objects.filters import ObjectFilter, name_condition
from registries.objects.selectors import CappedPaginator, object_page, object_search
from registries.uscc import make_uscc
from tests.registries.object_factories import make_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(department_a, department_b):
    today = timezone.localdate()
    return {
        "food": make_object(
            departments=[department_a],
            name="临江市恒达食品有限公司",
            region_code="330106",
            industry_code="F5221",
            licence_types=["食品经营许可证"],
            risk_class="A",
        ),
        "chem": make_object(
            departments=[department_b],
            name="萧山区华兴化工有限公司",
            region_code="330109",
            industry_code="F5162",
            licence_types=["危险化学品经营许可证"],
            risk_class="D",
            anomaly_since=today - timedelta(days=10),
            anomaly_source="x",
        ),
        "shop": make_object(
            departments=[department_a],
            kind="individual",
            code=make_uscc("92330102MA2B7C4D0"),
            name="上城区老李记Abc餐饮店",
            region_code="330102",
            industry_code="H6210",
            status="cancelled",
            penalised_at=today - timedelta(days=4 * 365),
            penalised_source="old",
        ),
        "product": make_object(
            kind="product",
            code="CP-330106-0001",
            name="恒达牌电动自行车",
            scale="small",
            industry_code="C3770",
        ),
    }


def _names(params):
    return set(
        ObjectFilter(params, queryset=InspectionObject.objects.all()).qs.values_list(
            "name", flat=True
        )
    )


def test_name_substring(registry):
    assert _names({"name": "恒达"}) == {"临江市恒达食品有限公司", "恒达牌电动自行车"}
    assert _names({"name": "恒达食品"}) == {"临江市恒达食品有限公司"}
    assert _names({"name": "abc"}) == {"上城区老李记Abc餐饮店"}
    assert _names({"name": "达"}) == {"临江市恒达食品有限公司", "恒达牌电动自行车"}


def test_code_exact_and_prefix(registry):
    food = registry["food"]
    assert _names({"code": food.code.lower()}) == {food.name}
    assert _names({"code": "CP-"}) == {"恒达牌电动自行车"}


def test_region_and_industry_prefixes(registry):
    assert _names({"region": "330106"}) == {"临江市恒达食品有限公司", "恒达牌电动自行车"}
    assert _names({"region": "33010", "industry": "f5"}) == {
        "临江市恒达食品有限公司",
        "萧山区华兴化工有限公司",
    }


def test_risk_kind_status_scale(registry):
    assert _names({"risk_class": ["A", "D"]}) == {
        "临江市恒达食品有限公司",
        "萧山区华兴化工有限公司",
    }
    assert _names({"kind": "individual"}) == {"上城区老李记Abc餐饮店"}
    assert _names({"status": "cancelled"}) == {"上城区老李记Abc餐饮店"}
    assert _names({"scale": "small"}) == {"恒达牌电动自行车"}


def test_special_lists(registry):
    assert _names({"flag": "any"}) == {"萧山区华兴化工有限公司"}
    assert _names({"flag": "anomaly"}) == {"萧山区华兴化工有限公司"}
    # a penalty older than three years no longer counts
    assert _names({"flag": "penalised"}) == set()


def test_department_and_licence(registry):
    assert _names({"department": "depb"}) == {"萧山区华兴化工有限公司"}
    assert _names({"licence": "食品经营许可证"}) == {"临江市恒达食品有限公司"}


def test_department_sees_only_what_it_supervises(registry, staff_a, office_admin):
    staff_names = {row.name for row in object_search(staff_a, {}).queryset}
    assert staff_names == {"临江市恒达食品有限公司", "上城区老李记Abc餐饮店"}
    assert object_search(office_admin, {"name": "恒达"}).queryset.count() == 2


def test_invalid_filters_are_ignored_by_the_page_selector(registry, office_admin):
    search = object_search(office_admin, {"risk_class": ["Z"]})
    assert not search.filterset.is_valid()
    assert search.queryset.count() == 4


def test_capped_count(department_a, django_assert_num_queries):
    for _ in range(7):
        make_object(departments=[department_a], name="临江市封顶测试有限公司")
    queryset = InspectionObject.objects.filter(name__contains="封顶").order_by("id")
    paginator = CappedPaginator(queryset, 2, cap=5)
    page = paginator.page(1)
    assert paginator.count == 5
    assert paginator.capped
    assert paginator.count_label == "5+"
    assert len(page.object_list) == 2
    small = CappedPaginator(queryset, 20, cap=5)
    # the first page is not full: its length is the count, no count query
    with django_assert_num_queries(1):
        small.page(1)
        assert small.count == 7
    assert not small.capped


def test_object_page_prefetches_supervisions(registry, office_admin, django_assert_num_queries):
    search = object_search(office_admin, {})
    with django_assert_num_queries(2):
        page = object_page(search, page=1)
        departments = [
            [s.department.code for s in row.supervisions.all()] for row in page.object_list
        ]
    assert ["DEPA"] in departments
    assert page.object_list[0].special_lists is not None


def _plan(queryset) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture
def many_objects(db):
    """A few thousand rows, so the planner has something to choose from."""
    rows = [
        InspectionObject(
            code=f"CP-{index:06d}",
            kind="product",
            name=f"临江市第{index}号{'食品' if index % 7 else '化工'}商行",
            region_code="330106",
        )
        for index in range(3000)
    ]
    InspectionObject.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registries_inspectionobject")


def test_three_character_name_search_can_use_the_trigram_index(many_objects):
    plan = _plan(InspectionObject.objects.filter(name_condition("化工商")))
    assert "object_name_trgm" in plan
    plan = _plan(InspectionObject.objects.filter(name_condition("ABC")))
    assert "object_name_trgm" in plan


def test_two_character_name_search_can_use_the_character_index(many_objects):
    plan = _plan(InspectionObject.objects.filter(name_condition("化工")))
    assert "object_name_chars" in plan


def test_many_matches_are_read_along_the_primary_key(department_a, office_admin, monkeypatch):
    from registries.objects import selectors

    monkeypatch.setattr(selectors, "DENSE_THRESHOLD", 3)
    for index in range(6):
        make_object(departments=[department_a], name=f"临江市密集{index}有限公司")
    search = object_search(office_admin, {"name": "密集"})
    assert search.dense_queryset is not None
    assert "strpos" in str(search.dense_queryset.query).lower()
    page = object_page(search, page=1, page_size=4)
    assert page.paginator.count == 6
    assert [row.name for row in page.object_list] == [
        f"临江市密集{index}有限公司" for index in range(4)
    ]
    second = object_page(search, page=2, page_size=4)
    assert [row.name for row in second.object_list] == [
        "临江市密集4有限公司",
        "临江市密集5有限公司",
    ]


def test_dense_latin_search_ignores_case(department_a, office_admin, monkeypatch):
    from registries.objects import selectors

    monkeypatch.setattr(selectors, "DENSE_THRESHOLD", 0)
    make_object(departments=[department_a], name="临江市ABC科技有限公司")
    page = object_page(object_search(office_admin, {"name": "abc"}), page=1)
    assert [row.name for row in page.object_list] == ["临江市ABC科技有限公司"]


def test_few_matches_are_paged_by_id(department_a, office_admin, django_assert_num_queries):
    for index in range(3):
        make_object(departments=[department_a], name=f"临江市稀少{index}有限公司")
    search = object_search(office_admin, {"name": "稀少"})
    # the matching ids, then their rows, then their supervisions
    with django_assert_num_queries(3):
        page = object_page(search, page=1, page_size=2)
    assert [row.name for row in page.object_list] == ["临江市稀少0有限公司", "临江市稀少1有限公司"]
    assert page.paginator.count == 3
    assert page.has_next()
    # nothing matches: one query, no page to read
    with django_assert_num_queries(1):
        empty = object_page(object_search(office_admin, {"name": "没有这个"}), page=1)
    assert list(empty.object_list) == []
