"""The demo registry builder: realistic rows, proportions, idempotent."""

import pytest

from accounts import demo as accounts_demo
from registries.models import InspectionObject, ObjectSupervision
from registries.objects import demo
from registries.uscc import is_valid_uscc

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_demo_builds_a_plausible_registry_once():
    # given
    accounts_demo.build()
    # when
    created = demo.build(objects=1500)
    # then
    assert created == 1500
    assert InspectionObject.objects.count() == 1500
    market = InspectionObject.objects.filter(kind__in=["enterprise", "individual", "cooperative"])
    assert all(is_valid_uscc(code) for code in market.values_list("code", flat=True))
    assert market.count() > 1300
    assert InspectionObject.objects.exclude(
        kind__in=["enterprise", "individual", "cooperative"]
    ).exists()
    assert all(
        code.startswith("3301")
        for code in InspectionObject.objects.values_list("region_code", flat=True)
    )
    risk = {value: InspectionObject.objects.filter(risk_class=value).count() for value in "ABCD"}
    assert risk["B"] > risk["A"] > risk["C"] > risk["D"] > 0
    assert (
        InspectionObject.objects.filter(anomaly_since__isnull=False)
        .exclude(anomaly_source="")
        .exists()
    )
    food = InspectionObject.objects.filter(licence_types__contains=["食品经营许可证"]).first()
    assert (
        food.supervisions.filter(department__code="SAMR").exists() or not food.supervisions.exists()
    )
    assert ObjectSupervision.objects.filter(department__code="CULT").exists()
    assert InspectionObject.objects.filter(name__startswith="临江市").exists()
    # and again: nothing changes
    assert demo.build(objects=1500) == 0
    assert InspectionObject.objects.count() == 1500


def test_large_builds_rebuild_the_name_indexes(monkeypatch):
    from django.db import connection

    monkeypatch.setattr(demo, "DEFER_INDEXES_FROM", 100)
    assert demo.build_objects(300) == 300
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'registries_inspectionobject'"
            " AND indexname IN ('object_name_trgm', 'object_name_chars')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "object_name_chars",
            "object_name_trgm",
        ]
    assert InspectionObject.objects.filter(name__contains="有限公司").count() > 0
