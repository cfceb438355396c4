"""The demo inspector registry: 400+ inspectors, experts, recusals, the own-grid rule; idempotent."""

import pytest
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.models import AuditEvent
from registries.choices import InspectorStatus, RecusalStatus
from registries.drawable import conflict_pairs, drawable_inspectors
from registries.inspectors import demo as demo_inspectors
from registries.models import Expert, InspectionObject, Inspector, Recusal, RecusalRule
from registries.objects import demo as registries_demo
from tests.registries.test_inspector_fixtures import days

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo city's accounts, objects and inspector registry, built once for the module (the
    build is the slow part); rolled back after the last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        accounts_demo.build()
        registries_demo.build(objects=3000)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_city(demo_world, db):
    """Each test's writes roll back to the built city (its transaction is a savepoint inside)."""


def test_demo_without_accounts_does_nothing(db):
    # First in the module: it runs before the shared demo city is built.
    assert demo_inspectors.build() == {"inspectors": 0, "experts": 0, "recusals": 0}


def test_demo_builds_a_realistic_registry(demo_city):
    assert Inspector.objects.count() >= 400
    assert Inspector.objects.filter(department__code="SAMR").count() >= 85
    for code in (
        "EEB",
        "TRANS",
        "CULT",
        "AGRI",
        "HOUSE",
        "EMB",
        "HEALTH",
        "COMM",
        "FIRE",
        "NRB",
        "HRSS",
    ):
        assert 20 <= Inspector.objects.filter(department__code=code).count() <= 40
    assert Expert.objects.count() == 20
    assert 50 <= Recusal.objects.count() <= 60
    assert (
        Recusal.objects.filter(status=RecusalStatus.CONFIRMED).count() > Recusal.objects.count() / 2
    )
    assert Recusal.objects.filter(status=RecusalStatus.DECLARED).exists()
    assert RecusalRule.objects.get(kind="own_grid").is_active
    assert not RecusalRule.objects.get(kind="own_region").is_active
    for status in (InspectorStatus.ON_LEAVE, InspectorStatus.TRANSFERRED, InspectorStatus.RETIRED):
        assert Inspector.objects.filter(status=status).exists()
    assert Inspector.objects.filter(certificate_valid_until__lt=days(0)).exists()
    assert Inspector.objects.filter(certificate_valid_until__range=(days(0), days(60))).exists()
    assert Inspector.objects.filter(tags__contains=["LE", "FOOD"]).exists()
    assert Inspector.objects.get(user__username="samr_inspector").department.code == "SAMR"
    assert Inspector.objects.filter(user__username__endswith="_inspector").count() == 12
    # grids and regions match the objects' demo divisions
    grids = set(InspectionObject.objects.values_list("grid", flat=True))
    assert Inspector.objects.exclude(grid="").filter(grid__in=grids).count() > 30


def test_demo_is_drawable_and_has_conflicts(demo_city):
    rows = drawable_inspectors(
        department_codes=["SAMR", "EMB", "EXPERT"], start=days(10), end=days(20)
    )
    assert len([row for row in rows if row.department_code == "SAMR"]) > 60
    assert any(row.is_expert for row in rows)
    pairs = list(
        conflict_pairs(
            inspector_codes=[row.code for row in rows], objects=InspectionObject.objects.all()
        )
    )
    assert len(pairs) > 100


def test_demo_is_idempotent(demo_city):
    counts = (
        Inspector.objects.count(),
        Expert.objects.count(),
        Recusal.objects.count(),
        AuditEvent.objects.count(),
    )
    result = demo_inspectors.build()
    assert result == {"inspectors": 0, "experts": 0, "recusals": 0}
    assert (Inspector.objects.count(), Expert.objects.count(), Recusal.objects.count()) == counts[
        :3
    ]
    assert AuditEvent.objects.count() == counts[3]
