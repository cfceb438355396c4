import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.choices import ImportStatus
from catalog.models import Matter
from catalog.services import matter_import_apply, matter_import_discard
from tests.catalog.conftest import HAINAN_JOINT
from tests.catalog.services.test_matter_import import preview


def test_discard_closes_the_import_and_it_can_no_longer_be_applied(office_admin, city_departments):
    matter_import = matter_import_discard(
        matter_import=preview(office_admin, HAINAN_JOINT), discarded_by=office_admin
    )
    assert matter_import.status == ImportStatus.DISCARDED
    with pytest.raises(ValidationError):
        matter_import_apply(matter_import=matter_import, applied_by=office_admin)
    assert Matter.objects.count() == 0


def test_only_office_admins_discard(office_admin, dept_admin_a, city_departments):
    matter_import = preview(office_admin, HAINAN_JOINT)
    with pytest.raises(PermissionDenied):
        matter_import_discard(matter_import=matter_import, discarded_by=dept_admin_a)
