from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.choices import MatterStatus, RevisionAction
from catalog.models import Matter
from catalog.selectors import public_matter_list
from catalog.services import matter_retire


def test_retire_sets_the_end_date_and_status_and_never_deletes(office_admin, matter):
    retired = matter_retire(
        matter=matter, retired_by=office_admin, reason="法律废止", effective_until=date(2026, 1, 1)
    )
    assert retired.status == MatterStatus.RETIRED
    assert retired.effective_until == date(2026, 1, 1)
    assert retired.revision == 2
    assert retired.revisions.get(revision=2).action == RevisionAction.RETIRE
    assert Matter.objects.filter(pk=matter.pk).exists()
    assert not public_matter_list().filter(pk=matter.pk).exists()


def test_retire_defaults_to_today(office_admin, matter):
    from django.utils import timezone

    assert (
        matter_retire(matter=matter, retired_by=office_admin, reason="x").effective_until
        == timezone.localdate()
    )


def test_a_reason_is_required(office_admin, matter):
    with pytest.raises(ValidationError):
        matter_retire(matter=matter, retired_by=office_admin, reason=" ")


def test_retiring_twice_is_refused(office_admin, matter):
    matter_retire(matter=matter, retired_by=office_admin, reason="x")
    with pytest.raises(ValidationError):
        matter_retire(matter=matter, retired_by=office_admin, reason="x")


def test_departments_cannot_retire(dept_admin_a, matter):
    with pytest.raises(PermissionDenied):
        matter_retire(matter=matter, retired_by=dept_admin_a, reason="x")
