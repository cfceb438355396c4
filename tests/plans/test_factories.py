"""The plans factories build rows their models accept (full_clean)."""

import factory
import pytest

from tests.plans import factories
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


@pytest.mark.parametrize(
    "factory_class",
    [
        factories.DepartmentSubmissionFactory,
        factories.SubmissionEventFactory,
        factories.MergeProposalFactory,
        factories.PlanVersionFactory,
        factories.IndicatorTargetFactory,
        factories.OtherInspectionFactory,
    ],
    ids=lambda f: f.__name__,
)
def test_factory_builds_a_valid_row(factory_class):
    first, second = factory_class(), factory_class()
    first.full_clean()
    second.full_clean()
    assert second.pk != first.pk


def test_every_model_of_plans_has_a_factory():
    from django.apps import apps

    covered = {
        value._meta.model
        for value in vars(factories).values()
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory)
    }
    assert set(apps.get_app_config("plans").get_models()) - covered == set()
