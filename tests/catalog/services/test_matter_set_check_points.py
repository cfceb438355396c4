import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from catalog.choices import RevisionAction
from catalog.services import matter_set_check_points, matter_set_check_points_many

POINTS = [
    {
        "text": "是否依法公示年度报告",
        "basis": "《企业信息公示暂行条例》第八条",
        "method": "written",
    },
    {"text": "公示信息是否真实", "allowed_answers": ["是", "否"]},
    {"text": "是否配合检查", "allowed_answers": "符合、不符合"},
]


def test_check_points_are_stored_in_order_with_defaults(office_admin, matter):
    matter = matter_set_check_points(
        matter=matter, set_by=office_admin, check_points=POINTS, reason="标准化"
    )
    points = list(matter.check_points.order_by("position"))
    assert [p.position for p in points] == [1, 2, 3]
    assert points[0].method == "written" and points[0].basis.startswith("《企业信息公示")
    assert points[0].allowed_answers == ["符合", "不符合", "不涉及"]
    assert points[1].method == "on_site" and points[1].allowed_answers == ["是", "否"]
    assert points[2].allowed_answers == ["符合", "不符合"]
    assert matter.revision == 2
    revision = matter.revisions.get(revision=2)
    assert revision.action == RevisionAction.CHECK_POINTS
    assert len(revision.snapshot["check_points"]) == 3
    assert AuditEvent.objects.filter(action="matter.set_check_points").count() == 1


def test_replacing_reorders_and_setting_the_same_form_writes_nothing(office_admin, matter):
    matter_set_check_points(matter=matter, set_by=office_admin, check_points=POINTS)
    matter = matter_set_check_points(matter=matter, set_by=office_admin, check_points=POINTS[::-1])
    assert [p.text for p in matter.check_points.order_by("position")] == [
        p["text"] for p in POINTS[::-1]
    ]
    again = matter_set_check_points(matter=matter, set_by=office_admin, check_points=POINTS[::-1])
    assert again.revision == 3


@pytest.mark.parametrize(
    "points",
    [
        [{"text": ""}],
        [{"text": "x", "method": "guess"}],
        [{"text": "x", "allowed_answers": ["只有一个"]}],
        [{"text": "x"}] * 51,
    ],
)
def test_invalid_forms_are_refused(office_admin, matter, points):
    with pytest.raises(ValidationError):
        matter_set_check_points(matter=matter, set_by=office_admin, check_points=points)
    assert matter.check_points.count() == 0


def test_departments_cannot_change_forms(staff_a, matter):
    with pytest.raises(PermissionDenied):
        matter_set_check_points(matter=matter, set_by=staff_a, check_points=POINTS)


def test_many_forms_at_once_write_one_event(office_admin, matter, other_matter):
    changed = matter_set_check_points_many(
        forms={matter: POINTS, other_matter: POINTS[:1]}, set_by=office_admin, reason="批量"
    )
    assert changed == 2
    assert other_matter.check_points.count() == 1
    assert AuditEvent.objects.filter(action="matter.set_check_points_many").count() == 1
    assert matter_set_check_points_many(forms={matter: POINTS}, set_by=office_admin) == 0
