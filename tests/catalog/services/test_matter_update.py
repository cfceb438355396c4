import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from catalog.choices import RevisionAction
from catalog.services import matter_update


def test_update_bumps_the_revision_and_records_the_change(office_admin, matter, department_b):
    # when
    updated = matter_update(
        matter=matter,
        updated_by=office_admin,
        data={
            "object_type": "个体工商户",
            "participating_departments": [department_b],
            "is_common": True,
        },
        reason="联席会议决定",
    )
    # then
    assert updated.revision == 2
    assert updated.is_common
    revision = updated.revisions.get(revision=2)
    assert revision.action == RevisionAction.UPDATE
    assert revision.changes["object_type"] == ["企业", "个体工商户"]
    assert revision.changes["participating_departments"] == [[], ["DEPB"]]
    assert revision.snapshot["is_common"] is True
    event = AuditEvent.objects.get(action="matter.update")
    assert event.details["reason"] == "联席会议决定"


def test_unchanged_values_write_nothing(office_admin, matter):
    matter_update(matter=matter, updated_by=office_admin, data={"name": matter.name})
    matter.refresh_from_db()
    assert matter.revision == 1
    assert not AuditEvent.objects.filter(action="matter.update").exists()


def test_switching_to_general_sets_the_default_cap(office_admin, matter):
    key = matter_update(
        matter=matter, updated_by=office_admin, data={"category": "key", "ratio_cap_bp": None}
    )
    assert key.ratio_cap_bp is None
    general = matter_update(matter=key, updated_by=office_admin, data={"category": "general"})
    assert general.ratio_cap_bp == 500


def test_code_cannot_be_changed(office_admin, matter):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        matter_update(matter=matter, updated_by=office_admin, data={"code": "NEW"})


@pytest.mark.parametrize("actor", ["dept_admin_a", "staff_a", "staff_b"])
def test_departments_cannot_edit_matters(request, actor, matter):
    with pytest.raises(PermissionDenied):
        matter_update(
            matter=matter, updated_by=request.getfixturevalue(actor), data={"name": "改名"}
        )
    matter.refresh_from_db()
    assert matter.name == "年度报告公示信息的检查"
