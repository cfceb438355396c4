"""The accounts factories build rows their models accept, and every model but the audit trail has
one (`AuditEvent` is written only through accounts.audit.record_event)."""

import pytest
from django.apps import apps

from tests.accounts import factories

pytestmark = pytest.mark.django_db

FACTORIES = [factories.DepartmentFactory, factories.UserFactory, factories.NotificationFactory]
NO_FACTORY = {"AuditEvent"}


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_factory_builds_a_valid_row(factory_class):
    first, second = factory_class(), factory_class()
    first.full_clean()
    second.full_clean()
    assert second.pk != first.pk


def test_every_model_of_accounts_has_a_factory():
    covered = {f._meta.model.__name__ for f in FACTORIES} | NO_FACTORY
    models = {model.__name__ for model in apps.get_app_config("accounts").get_models()}
    assert models - covered == set()
    assert models >= NO_FACTORY, "a skipped model no longer exists: drop it from NO_FACTORY"
