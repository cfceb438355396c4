"""What the printable forms show comes from one selector each (the printing code renders it)."""

import pytest
from django.utils import timezone

from tasks.inspections.choices import MeasureKind
from tasks.inspections.printables import (
    inspection_notice,
    onsite_record,
    onsite_record_blank,
    rectification_notice,
)
from tasks.inspections.services.followups import measure_add

pytestmark = pytest.mark.django_db


def test_inspection_notice_names_the_group_the_matters_and_the_object(world):
    notice = inspection_notice(world.inspection)
    assert notice["object"]["code"] == world.inspection.drawn_object.code
    assert notice["task"]["code"] == world.started.task.code and notice["task"]["is_joint"]
    leaders = [m for m in notice["members"] if m["is_leader"]]
    assert len(leaders) == 1 and leaders[0]["certificate_number"].startswith("CERT-")
    assert {m["name"] for m in notice["matters"]} == {"甲部门事项", "乙部门事项"}


def test_onsite_record_filled_and_blank(world):
    filled = onsite_record(world.published_record_a)
    assert [p["answer"] for p in filled["check_points"]] == ["符合", "符合"]
    assert filled["attachment_count"] == 1 and filled["department"] == "甲部门（市场监管局）"
    blank = onsite_record_blank(world.started.task, world.started.matter_a)
    assert [p["answer"] for p in blank["check_points"]] == ["", ""]
    assert blank["object"] is None


def test_rectification_notice_of_a_rectification_only(world):
    measure = measure_add(
        result=world.inspection.result,
        added_by=world.started.leader,
        kind=MeasureKind.RECTIFY,
        department=world.started.task.lead_department,
        description="责令整改",
    )
    notice = rectification_notice(measure)
    assert notice["deadline_on"] == measure.deadline_on
    assert notice["issued_on"] == timezone.localdate()
    with pytest.raises(ValueError):
        rectification_notice(world.measure)
