"""Every registries factory builds a row its model accepts (full_clean), so tests can rely on them."""

import pytest
from django.apps import apps

from tests.registries import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.InspectionObjectFactory,
    factories.ObjectSupervisionFactory,
    factories.ObjectChangeFactory,
    factories.InspectorFactory,
    factories.ExpertFactory,
    factories.RecusalFactory,
    factories.RecusalRuleFactory,
    factories.ImportJobFactory,
    factories.GeneralClassImportFactory,
    factories.GeneralRiskClassFactory,
    factories.ClassificationRuleSetFactory,
    factories.FusedRiskClassFactory,
]


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = factory_class(), factory_class()
    first.full_clean()
    assert type(first)._default_manager.filter(pk=first.pk).exists()
    if factory_class is not factories.RecusalRuleFactory:  # one row per kind
        assert second.pk != first.pk


# A DeferredIndex row is an index a bulk load dropped and a job must build (CREATE INDEX
# CONCURRENTLY): bookkeeping of the loader, written only by registries.objects.importing.merge.
NO_FACTORY = {"DeferredIndex"}


def test_every_model_of_registries_has_a_factory():
    covered = {f._meta.model.__name__ for f in FACTORIES} | NO_FACTORY
    models = {model.__name__ for model in apps.get_app_config("registries").get_models()}
    assert models - covered == set()
    assert models >= NO_FACTORY, "a skipped model no longer exists: drop it from NO_FACTORY"


def test_rule_set_versions_follow_each_other_per_department():
    first = factories.ClassificationRuleSetFactory()
    second = factories.ClassificationRuleSetFactory(department=first.department)
    assert (first.version, second.version) == (1, 2)


def test_a_fused_class_without_professional_reasons_is_a_valid_row():
    """The recomputation writes ``reasons = []`` when no professional rule hits (the class is the
    general one); such a row must pass the model's validation too."""
    row = factories.FusedRiskClassFactory(reasons=[], professional_class="", risk_class="B")
    row.full_clean()
    assert row.explanation.startswith("B")
