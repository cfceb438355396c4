"""Builders for inspection tests: a joint task (DEPA leads, DEPB takes part) drawn and started,
with an inspector account linked to each member of the first two groups."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.choices import Role
from catalog.choices import MatterCategory
from tasks.inspections.models import Inspection, MatterRecord
from tasks.models import GroupMember, Task
from tests.accounts.factories import UserFactory
from tests.catalog.factories import CheckPointFactory, MatterFactory
from tests.tasks.factories import approve, make_task


@dataclass
class Started:
    task: Task
    leader: object  # DEPA inspector account, leader of G001
    member_b: object  # DEPB inspector account in G001
    leader2: object  # DEPA leader of G002
    member_b2: object  # DEPB member of G002
    matter_a: object
    matter_b: object
    inspections: dict[str, list[Inspection]] = field(default_factory=dict)
    group: str = "G001"  # the group `leader` leads and `member_b` belongs to

    def first(self, group: str = "") -> Inspection:
        return self.inspections[group or self.group][0]

    def leader_of(self, inspection: Inspection):
        return self.leader if inspection.group_id == self.group else self.leader2

    def member_b_of(self, inspection: Inspection):
        return self.member_b if inspection.group_id == self.group else self.member_b2


def make_form_matter(department, name: str, points: int = 2):
    # a key matter (no ratio cap), so the small test registry can be drawn at the test rates
    matter = MatterFactory(name=name, category=MatterCategory.KEY, ratio_cap_bp=None)
    matter.implementing_departments.set([department])
    for position in range(1, points + 1):
        CheckPointFactory(matter=matter, position=position, text=f"{name}：要点{position}")
    return matter


def _link(member: GroupMember, username: str, department):
    user = UserFactory(username=username, department=department, roles=[Role.INSPECTOR])
    inspector = member.inspector
    inspector.user = user
    inspector.save(update_fields=["user"])
    return user


def start_joint_task(*, staff_a, staff_b, office_admin, department_a, department_b, code=""):
    """Create, review, draw and start a two-group DEPA+DEPB task running from 5 days ago."""
    from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
    from tasks.services.execution import draw_execute
    from tasks.services.tasks import task_start

    today = timezone.localdate()
    matter_a = make_form_matter(department_a, "甲部门事项")
    matter_b = make_form_matter(department_b, "乙部门事项")
    task = make_task(
        staff_a,
        participants=[department_b],
        composition={"DEPA": 1, "DEPB": 1},
        matters=[matter_a, matter_b],
        start_date=today - timedelta(days=5),
        end_date=today + timedelta(days=25),
        code=code,
    )
    task = approve(task, office_admin)
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="42")
    draw_reveal(draw=draw, revealed_by=staff_a)
    draw = draw_execute(draw_id=draw.pk)
    task.refresh_from_db()
    task_start(task=task, started_by=staff_a)
    task.refresh_from_db()
    members = {
        (m.group_id, m.department_code): m
        for m in GroupMember.objects.filter(draw=draw).select_related("inspector")
    }
    suffix = task.code[-4:]
    started = Started(
        task=task,
        leader=_link(members[("G001", "DEPA")], f"leader_{suffix}", department_a),
        member_b=_link(members[("G001", "DEPB")], f"member_b_{suffix}", department_b),
        leader2=_link(members[("G002", "DEPA")], f"leader2_{suffix}", department_a),
        member_b2=_link(members[("G002", "DEPB")], f"member_b2_{suffix}", department_b),
        matter_a=matter_a,
        matter_b=matter_b,
    )
    for inspection in Inspection.objects.filter(task=task).select_related(
        "result", "task", "drawn_object", "inspection_object"
    ):
        started.inspections.setdefault(inspection.group_id, []).append(inspection)
    return started


def record_of(inspection: Inspection, department) -> MatterRecord:
    return MatterRecord.objects.get(inspection=inspection, department=department)


def fill_record(record: MatterRecord, user, *, answer: str = "符合", findings: str = ""):
    """Answer every check point, set method and date, and mark the record done."""
    from tasks.inspections.services.records import record_complete, record_update

    answers = [{"position": a.position, "answer": answer} for a in record.answers.all()]
    record_update(
        record=record,
        entered_by=user,
        answers=answers,
        methods=["on_site"],
        inspected_on=timezone.localdate(),
        findings=findings or ("现场核查，发现标签不规范。" if answer == "不符合" else "现场核查"),
        object_opinion="无异议",
    )
    return record_complete(record=record, completed_by=user)


def jpeg_bytes(width: int = 8, height: int = 6) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        + extra
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


@dataclass
class World:
    """A started joint task shared by a test module (see conftest.world): personas, the first
    inspection of G001 with both records entered and a photo on each, a notification (抄告) to a
    third department, and a second inspection whose result is published."""

    users: dict
    started: Started
    inspection: Inspection
    record_a: MatterRecord
    record_b: MatterRecord
    attachment_a: object
    attachment_b: object
    measure: object
    published: Inspection
    published_record_a: MatterRecord
    published_attachment_a: object


def build_world() -> World:
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.choices import DepartmentKind
    from tasks.inspections.choices import MeasureKind, ResultCategory
    from tasks.inspections.services.attachments import attachment_add_to_record
    from tasks.inspections.services.followups import measure_add
    from tasks.inspections.services.results import (
        result_approve,
        result_compile,
        result_publish,
        result_submit,
    )
    from tests.accounts.factories import DepartmentFactory
    from tests.tasks.factories import make_inspectors, make_objects

    office = DepartmentFactory(
        code="LXB", name="联席会议办公室", short_name="联席办", kind=DepartmentKind.OFFICE
    )
    department_a = DepartmentFactory(
        code="DEPA", name="甲部门（市场监管局）", short_name="市场监管局"
    )
    department_b = DepartmentFactory(
        code="DEPB", name="乙部门（生态环境局）", short_name="生态环境局"
    )
    department_c = DepartmentFactory(code="DEPC", name="丙部门", short_name="丙部门")
    users = {
        "office_admin": UserFactory(
            username="office_admin", department=office, roles=[Role.OFFICE_ADMIN]
        ),
        "staff_a": UserFactory(username="staff_a", department=department_a, roles=[Role.STAFF]),
        "staff_b": UserFactory(username="staff_b", department=department_b, roles=[Role.STAFF]),
        "witness_a": UserFactory(
            username="witness_a", department=department_a, roles=[Role.WITNESS]
        ),
        "staff_c": UserFactory(username="staff_c", department=department_c, roles=[Role.STAFF]),
    }
    objects = make_objects(40)
    for obj in objects[:2]:
        obj.anomaly_since = date(2024, 5, 1)
        obj.save(update_fields=["anomaly_since"])
    make_inspectors(department_a, 6)
    make_inspectors(department_b, 4)
    started = start_joint_task(
        staff_a=users["staff_a"],
        staff_b=users["staff_b"],
        office_admin=users["office_admin"],
        department_a=department_a,
        department_b=department_b,
    )
    users.update(
        leader=started.leader,
        member_b=started.member_b,
        leader2=started.leader2,
        member_b2=started.member_b2,
    )

    def photo(name):
        return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")

    inspection, published = started.inspections["G001"][:2]
    record_a, record_b = record_of(inspection, department_a), record_of(inspection, department_b)
    attachment_a = attachment_add_to_record(
        record=record_a,
        uploaded_by=started.leader,
        upload=photo("a.jpg"),
        name="a.jpg",
        kind="photo",
    )
    attachment_b = attachment_add_to_record(
        record=record_b,
        uploaded_by=started.member_b,
        upload=photo("b.jpg"),
        name="b.jpg",
        kind="photo",
    )
    measure = measure_add(
        result=inspection.result,
        added_by=started.leader,
        kind=MeasureKind.NOTIFY,
        department=department_a,
        notified_department=department_c,
        description="发现涉及丙部门职责的问题",
    )
    published_record_a = record_of(published, department_a)
    published_attachment_a = attachment_add_to_record(
        record=published_record_a,
        uploaded_by=started.leader,
        upload=photo("p.jpg"),
        name="p.jpg",
        kind="photo",
    )
    fill_record(published_record_a, started.leader)
    fill_record(record_of(published, department_b), started.member_b)
    result = result_compile(
        result=published.result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    result = result_submit(result=result, submitted_by=started.leader)
    result = result_approve(result=result, approved_by=users["staff_a"])
    result_publish(result=result, published_by=users["staff_a"])
    published.refresh_from_db()
    return World(
        users=users,
        started=started,
        inspection=inspection,
        record_a=record_a,
        record_b=record_b,
        attachment_a=attachment_a,
        attachment_b=attachment_b,
        measure=measure,
        published=published,
        published_record_a=published_record_a,
        published_attachment_a=published_attachment_a,
    )
