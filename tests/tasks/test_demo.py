"""The demo city's joint tasks: joint, realistic sizes, every stage of the ceremony, idempotent."""

import io
import re
import time
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import AuditEvent
from tasks.choices import DrawState, ReviewStatus, TaskStatus
from tasks.models import Draw, DrawnObject, GroupMember, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(db):
    from accounts import demo as accounts_demo
    from catalog import demo as catalog_demo
    from plans import demo as plans_demo
    from registries.objects import demo as registries_demo

    accounts_demo.build()
    catalog_demo.build()
    registries_demo.build(objects=20_000)
    plans_demo.build()


def test_demo_builds_joint_tasks_in_every_stage_and_is_idempotent(demo_city):
    from tasks import demo
    from tasks.draw.verify import verify_bundle
    from tasks.integrity import draws_verify
    from tasks.models import TaskPolicy
    from tasks.services.bundles import draw_bundle

    # the office's delay before a reveal, as in production (the test settings start at 0)
    TaskPolicy.objects.update_or_create(pk=1, defaults={"reveal_delay_minutes": 10})
    out = io.StringIO()
    started = time.perf_counter()
    demo.build(stdout=out)
    elapsed = time.perf_counter() - started
    print(out.getvalue(), f"tasks demo: {elapsed:.2f}s")
    codes = [demo.task_code(spec.number) for spec in demo.TASKS]
    tasks = {task.code: task for task in Task.objects.filter(code__in=codes)}
    assert sorted(tasks) == codes, out.getvalue()
    assert 5 <= len(tasks) <= 6

    # most tasks are joint, with common matters merged in
    joint = [t for t in tasks.values() if t.participating_departments.exists()]
    assert len(joint) >= len(tasks) - 1
    for task in tasks.values():
        assert task.matters.filter(is_common=True).exists()
        assert task.matters.filter(is_common=False).exists()
        assert task.title.startswith(f"{timezone.localdate().year}年")
        composition = task.group_composition
        assert sum(composition.values()) >= 2
        assert composition[task.lead_department.code] >= 1
        assert "LE" in task.required_tags[task.lead_department.code]

    # states: joint review with one confirmed and one pending, fully confirmed, drawn, started,
    # ad hoc waiting for the office
    statuses = {code: task.status for code, task in tasks.items()}
    assert statuses[codes[0]] == TaskStatus.IN_REVIEW
    assert statuses[codes[1]] == TaskStatus.IN_REVIEW
    assert statuses[codes[2]] == TaskStatus.DRAWN
    assert statuses[codes[3]] == TaskStatus.IN_PROGRESS
    assert statuses[codes[4]] == TaskStatus.DRAWN
    assert statuses[codes[5]] == TaskStatus.PENDING_APPROVAL

    partly = tasks[codes[0]].draws.get(state=DrawState.ANNOUNCED)
    review_states = set(partly.reviews.values_list("status", flat=True))
    assert review_states == {ReviewStatus.CONFIRMED, ReviewStatus.PENDING}
    assert tasks[codes[0]].draws.filter(state=DrawState.WITHDRAWN).exists()
    waiting = tasks[codes[1]].draws.get(state=DrawState.ANNOUNCED)
    assert set(waiting.reviews.values_list("status", flat=True)) == {ReviewStatus.CONFIRMED}
    assert waiting.reviews.count() >= 2
    redrawn = tasks[codes[4]].draws.get(state=DrawState.DRAWN)
    assert redrawn.redraw_of is not None and redrawn.redraw_of.state == DrawState.VOIDED
    assert tasks[codes[5]].is_adhoc and tasks[codes[5]].approved_at is None
    # made from the lead department's approved plan item on the subject (the plan demo's
    # priorities), except the ad hoc one waiting for the office; the narrower scopes and own
    # rates are deviations the office approved, with a reason
    for code in codes[:5]:
        task = tasks[code]
        assert task.plan_item is not None and task.adhoc_reason == "", code
        assert task.plan_item.department == task.lead_department
        assert set(task.plan_item.matters.all()) <= set(task.matters.all())
        if task.deviates_from_plan:
            assert task.deviation_reason and task.approved_at is not None, code

    # announcements left waiting state the office's delay; the policy itself is unchanged
    assert TaskPolicy.current().reveal_delay_minutes == 10
    for code in codes[:2]:
        waiting_draw = tasks[code].draws.get(state=DrawState.ANNOUNCED)
        assert waiting_draw.reveal_not_before - waiting_draw.announced_at == timedelta(minutes=10)

    # every completed draw verifies, as full and as public bundle, and its stored rows agree
    completed = Draw.objects.filter(
        task__code__in=codes, state__in=[DrawState.DRAWN, DrawState.VOIDED]
    )
    assert completed.count() == 4
    for draw in completed:
        for public in (False, True):
            report = verify_bundle(draw_bundle(draw, public=public))
            assert report.valid, (draw.task.code, public, report.problems)
    reports = draws_verify(recompute=False, draws=Draw.objects.filter(task__code__in=codes))
    assert all(report.ok for report in reports), [r for r in reports if not r.ok]

    # realistic sizes: hundreds of candidates, 20–80 drawn, 5–10 objects per group of 2+ people
    for draw in Draw.objects.filter(task__code__in=codes).exclude(state=DrawState.WITHDRAWN):
        assert 100 <= draw.candidate_count <= 3000, (draw.task.code, draw.candidate_count)
        assert draw.must_count >= 1
    drawn = Draw.objects.filter(task__code__in=codes, state=DrawState.DRAWN)
    assert drawn.count() == 3
    for draw in drawn:
        objects = DrawnObject.objects.filter(draw=draw).count()
        assert 20 <= objects <= 80, (draw.task.code, objects)
        assert 4 <= draw.task.groups <= 10
        per_group = DrawnObject.objects.filter(draw=draw).values("group_id").annotate(n=Count("id"))
        assert {row["group_id"] for row in per_group} == set(draw.result["groups"])
        assert all(1 <= row["n"] <= 15 for row in per_group), list(per_group)
        members = GroupMember.objects.filter(draw=draw).values("group_id").annotate(n=Count("id"))
        assert all(row["n"] >= 2 for row in members)
        assert len(members) == draw.task.groups
        # a witness value as typed at the review: dice rolled, "4 2 6 1 5 …"
        assert draw.witnesses and re.fullmatch(r"[1-6]( [1-6])+", draw.witnesses[0])

    # every step went through the services: the audit trail has them
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "task.create",
        "task.submit_for_approval",
        "draw.announce",
        "draw.review_confirm",
        "draw.review_return",
        "draw.result",
        "draw.void",
        "task.start",
    } <= actions
    assert elapsed < 20, elapsed

    # a second run creates nothing
    counts = (Task.objects.count(), Draw.objects.count(), AuditEvent.objects.count())
    demo.build(stdout=io.StringIO())
    assert (Task.objects.count(), Draw.objects.count(), AuditEvent.objects.count()) == counts

    # the inspection work on the same demo city (built once: it is the slow part of the suite)
    from tests.tasks.inspections.demo_checks import check_inspection_demo

    check_inspection_demo()


def test_demo_without_the_demo_city_creates_nothing(office_admin):
    from tasks import demo

    demo.build(stdout=io.StringIO())
    assert not Task.objects.exists()
