"""Every registries factory builds a row its model accepts (full_clean), so tests can rely on them."""

import pytest

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
]


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory_class, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = factory_class(), factory_class()
    first.full_clean()
    assert type(first)._default_manager.filter(pk=first.pk).exists()
    if factory_class is not factories.RecusalRuleFactory:  # one row per kind
        assert second.pk != first.pk
