"""The plans factories build rows their models accept (full_clean)."""

import pytest

from tests.plans.factories import MatterFactory, PeakSeasonFactory, PlanItemFactory, PlanYearFactory

pytestmark = pytest.mark.django_db


def test_plan_year_and_items():
    plan_year = PlanYearFactory(year=2031)
    plan_year.full_clean()
    matter = MatterFactory()
    item = PlanItemFactory(plan_year=plan_year, matters=[matter])
    item.full_clean()
    assert list(item.matters.all()) == [matter]
    assert item.created_by.department == item.department
    assert PlanYearFactory(year=2031) == plan_year  # one row per year


def test_peak_season():
    season = PeakSeasonFactory()
    season.full_clean()
    assert PeakSeasonFactory().industry_prefix != season.industry_prefix
