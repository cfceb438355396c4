"""Builders for inspection tests: a joint task (DEPA leads, DEPB takes part) drawn and started,
with an inspector account linked to each member of the first two groups."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.choices import Role
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

    def first(self, group: str = "G001") -> Inspection:
        return self.inspections[group][0]


def make_form_matter(department, name: str, points: int = 2):
    matter = MatterFactory(name=name)
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
    from tasks.services.draws import draw_execute, draw_reveal, review_confirm, task_push_to_review
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
