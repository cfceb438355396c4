"""The demo builder: an approved, published current-year plan and a next-year plan in submission."""

import pytest
from django.utils import timezone

from plans import demo
from plans.models import PlanItem, PlanYear


@pytest.fixture
def demo_city(db):
    from accounts import demo as accounts_demo
    from catalog import demo as catalog_demo
    from registries.objects import demo as registries_demo

    accounts_demo.build()
    catalog_demo.build()
    registries_demo.build(objects=600)


def test_demo_builds_both_years_and_is_idempotent(demo_city):
    demo.build()
    current, following = timezone.localdate().year, timezone.localdate().year + 1
    this_year = PlanYear.objects.get(year=current)
    assert this_year.status == "published"
    assert this_year.current_version.number == 1
    assert this_year.current_version.approved_by.username == "office_admin"
    assert 15 <= this_year.items.count() <= 25
    assert this_year.merge_proposals.filter(status="accepted").exists()
    assert any(item["joint"] for item in this_year.current_version.snapshot["items"])
    next_year = PlanYear.objects.get(year=following)
    statuses = set(next_year.submissions.values_list("status", flat=True))
    assert statuses == {"submitted", "returned", "drafting"}
    # still open for reports whatever the day the demo is loaded, and nobody is late
    assert next_year.submission_deadline >= timezone.localdate()
    assert not next_year.submissions.filter(is_late=True).exists()
    counts = (PlanYear.objects.count(), PlanItem.objects.count())
    demo.build()
    assert (PlanYear.objects.count(), PlanItem.objects.count()) == counts


def test_demo_without_matters_creates_nothing(db):
    demo.build()
    assert not PlanYear.objects.exists()
