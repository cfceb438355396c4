"""The catalog and accounts factories build rows their models accept (full_clean)."""

import pytest

from tests.accounts.factories import NotificationFactory
from tests.catalog.factories import (
    CheckPointFactory,
    MatterChangeProposalFactory,
    MatterFactory,
    MatterImportFactory,
    MatterRevisionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [
        MatterFactory,
        CheckPointFactory,
        MatterChangeProposalFactory,
        MatterRevisionFactory,
        MatterImportFactory,
        NotificationFactory,
    ],
    ids=lambda f: f.__name__,
)
def test_factory_builds_a_valid_row(factory_class):
    first, second = factory_class(), factory_class()
    first.full_clean()
    assert second.pk != first.pk


def test_every_model_of_catalog_has_a_factory():
    from django.apps import apps

    covered = {
        MatterFactory._meta.model,
        CheckPointFactory._meta.model,
        MatterChangeProposalFactory._meta.model,
        MatterRevisionFactory._meta.model,
        MatterImportFactory._meta.model,
    }
    assert set(apps.get_app_config("catalog").get_models()) - covered == set()
