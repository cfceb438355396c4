"""The demo builder: both provincial lists through the import services, common matters, forms."""

import time

import pytest

from accounts import demo as accounts_demo
from catalog import demo
from catalog.models import CheckPoint, Matter, MatterImport


@pytest.fixture
def demo_accounts(db):
    accounts_demo.build()


def test_demo_builds_the_list_quickly_and_a_second_run_changes_nothing(demo_accounts):
    # when
    started = time.perf_counter()
    demo.build()
    elapsed = time.perf_counter() - started
    # then
    assert Matter.objects.count() == 293 + 83
    assert Matter.objects.filter(is_joint=True).count() == 83
    assert Matter.objects.filter(is_common=True).count() >= 3
    assert not Matter.objects.filter(check_points__isnull=True).exists()
    counts = [matter.check_points.count() for matter in Matter.objects.all()]
    assert min(counts) >= 3 and max(counts) <= 6
    assert Matter.objects.filter(implementing_departments__code="HRSS").exists()
    assert elapsed < 15, elapsed
    print(f"demo build: {elapsed:.2f}s")
    # and a second run changes nothing
    revisions = sum(Matter.objects.values_list("revision", flat=True))
    imports = MatterImport.objects.count()
    points = CheckPoint.objects.count()
    demo.build()
    assert sum(Matter.objects.values_list("revision", flat=True)) == revisions
    assert MatterImport.objects.count() == imports
    assert CheckPoint.objects.count() == points


def test_demo_check_points_are_sensible(demo_accounts):
    demo.build()
    annual = Matter.objects.get(code="HN2020-96-1")
    texts = [point.text for point in annual.check_points.all()]
    assert "是否按时报送并公示年度报告" in texts
    assert all(
        point.allowed_answers == ["符合", "不符合", "不涉及"] for point in annual.check_points.all()
    )
