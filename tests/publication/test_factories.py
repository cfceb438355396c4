"""The publication factories build rows their models accept (full_clean, the database's
constraints), and every model of the app has one, but for the derived working-day index."""

import pytest
from django.apps import apps

from publication.models import DeadlineKind
from tests.publication import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.CalendarDayFactory,
    factories.CalendarYearFactory,
    factories.DeadlineFactory,
    factories.PublicationFactory,
    factories.PublicResultFactory,
    factories.ObjectionFactory,
    factories.ObjectionAttachmentFactory,
]

# Derived from CalendarDay by publication.deadlines.workdays, never written by hand.
NO_FACTORY = {"CalendarWorkday", "CalendarIndexYear"}


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory_class):
    first, second = factory_class(), factory_class()
    first.full_clean()
    second.full_clean()
    assert second.pk != first.pk


def test_the_deadline_rule_factory_returns_the_seeded_rule_of_its_kind():
    rule = factories.DeadlineRuleFactory(kind=DeadlineKind.JOINT_REVIEW)
    rule.full_clean()
    assert factories.DeadlineRuleFactory(kind=DeadlineKind.JOINT_REVIEW) == rule
    assert factories.DeadlineRuleFactory().kind == DeadlineKind.RESULT_ENTRY


def test_calendar_rows_stay_far_from_the_years_tests_count_in():
    assert factories.CalendarDayFactory().date.year >= factories.FAR_YEAR
    assert factories.CalendarYearFactory().year >= factories.FAR_YEAR


def test_a_deadline_is_owed_by_its_inspections_lead_department():
    deadline = factories.DeadlineFactory()
    inspection = deadline.subject_type.get_object_for_this_type(pk=deadline.subject_id)
    assert deadline.department == inspection.task.lead_department


def test_every_model_of_publication_has_a_factory():
    covered = {f._meta.model.__name__ for f in FACTORIES} | {"DeadlineRule"} | NO_FACTORY
    models = {model.__name__ for model in apps.get_app_config("publication").get_models()}
    assert models - covered == set()
    assert models >= NO_FACTORY, "a skipped model no longer exists: drop it from NO_FACTORY"
