"""The tasks factories build rows their models accept (full_clean, the database's constraints)."""

import pytest
from django.apps import apps

from tests.tasks import factories as task_factories
from tests.tasks.inspections import factories as inspection_factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    task_factories.TaskFactory,
    task_factories.DrawFactory,
    task_factories.DrawnDrawFactory,
    task_factories.DrawReviewFactory,
    task_factories.DrawLogEntryFactory,
    task_factories.DrawnObjectFactory,
    task_factories.GroupMemberFactory,
    task_factories.VerificationRequestFactory,
    inspection_factories.InspectionFactory,
    inspection_factories.InspectionResultFactory,
    inspection_factories.ResultVersionFactory,
    inspection_factories.MatterRecordFactory,
    inspection_factories.RecordAnswerFactory,
    inspection_factories.CommissionedCheckFactory,
    inspection_factories.FollowUpMeasureFactory,
    inspection_factories.AttachmentFactory,
    inspection_factories.CombinedVisitFactory,
    inspection_factories.CombinedVisitPartFactory,
]


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory_class):
    first, second = factory_class(), factory_class()
    first.full_clean()
    second.full_clean()
    assert second.pk != first.pk


def test_the_policy_factory_is_the_one_policy_row():
    from tasks.models import TaskPolicy

    assert task_factories.TaskPolicyFactory() == TaskPolicy.current()


def test_every_model_of_tasks_has_a_factory():
    covered = {f._meta.model for f in FACTORIES} | {task_factories.TaskPolicyFactory._meta.model}
    assert set(apps.get_app_config("tasks").get_models()) - covered == set()


def test_a_factory_task_has_its_matters():
    matters = task_factories.TaskFactory().matters.all()
    assert len(matters) == 1
    assert matters[0].check_points.exists()
