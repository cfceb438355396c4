import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from catalog.choices import MatterCategory, RevisionAction
from catalog.services import matter_create


def test_office_admin_creates_a_general_matter_with_the_default_cap(
    office_admin, department_a, department_b
):
    matter = matter_create(
        created_by=office_admin,
        code="X-1",
        data={
            "name": "明码标价检查",
            "methods": ["written", "on_site"],
            "implementing_departments": ["DEPA"],
            "participating_departments": [department_b],
            "scope": {"kinds": ["enterprise"]},
        },
        reason="新法施行",
    )
    assert matter.category == MatterCategory.GENERAL
    assert matter.ratio_cap_bp == 500
    assert matter.methods == ["on_site", "written"]
    assert [d.code for d in matter.implementing_departments.all()] == ["DEPA"]
    assert matter.scope == {"kinds": ["enterprise"]}
    revision = matter.revisions.get()
    assert (revision.revision, revision.action, revision.reason) == (
        1,
        RevisionAction.CREATE,
        "新法施行",
    )
    assert revision.snapshot["implementing_departments"] == ["DEPA"]
    assert AuditEvent.objects.filter(action="matter.create", target_id=str(matter.pk)).exists()


def test_key_matters_have_no_cap(office_admin):
    matter = matter_create(
        created_by=office_admin, code="K-1", data={"name": "特种设备检查", "category": "key"}
    )
    assert matter.ratio_cap_bp is None
    assert matter.effective_cap_bp == 10000


@pytest.mark.parametrize(
    "data",
    [
        {"name": ""},
        {"name": "x", "methods": ["telepathy"]},
        {"name": "x", "implementing_departments": ["NOPE"]},
        {"name": "x", "scope": {"colour": ["red"]}},
        {"name": "x", "ratio_cap_bp": 20000},
        {"name": "x", "status": "retired"},
    ],
)
def test_invalid_values_are_refused(office_admin, data):
    with pytest.raises(ValidationError):
        matter_create(created_by=office_admin, code="BAD-1", data=data)


def test_the_office_cannot_implement_a_matter(office_admin, office):
    with pytest.raises(ValidationError):
        matter_create(
            created_by=office_admin,
            code="O-1",
            data={"name": "x", "implementing_departments": [office]},
        )


def test_codes_are_unique(office_admin, matter):
    with pytest.raises(ValidationError):
        matter_create(created_by=office_admin, code=matter.code, data={"name": "重复"})


@pytest.mark.parametrize("actor", ["dept_admin_a", "staff_a", "liaison_a"])
def test_departments_cannot_create_matters(request, actor):
    with pytest.raises(PermissionDenied):
        matter_create(
            created_by=request.getfixturevalue(actor), code="D-1", data={"name": "自行增加"}
        )
