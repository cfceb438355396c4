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


def test_the_filled_record_and_rectification_notice_print(world, tmp_path):
    import subprocess

    from platform_site.documents import get_kind, render_bytes

    record = world.published_record_a
    kind = get_kind("inspections.onsite_record")
    pdf = render_bytes(kind, kind.load({"record": record.pk}))
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "甲部门事项：要点1" in text and "现场核查" in text
    assert world.inspection.task.code in text or world.started.task.code in text

    measure = measure_add(
        result=world.inspection.result,
        added_by=world.started.leader,
        kind=MeasureKind.RECTIFY,
        department=world.started.task.lead_department,
        description="价格标签不规范\n进货查验记录不全",
    )
    kind = get_kind("inspections.rectification_notice")
    pdf = render_bytes(kind, kind.load({"measure": measure.pk}))
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "价格标签不规范" in text and "进货查验记录不全" in text
