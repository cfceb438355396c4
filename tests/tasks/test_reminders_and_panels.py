"""Review reminders and escalation in working days; combine-visit proposals; workload flags;
the API flow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tasks.models import DrawnObject, GroupMember
from tasks.selectors import combine_proposals, workload_flags
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db


def _drawn(task, staff_a, staff_b, run_on_commit):
    draw = task_push_to_review(task=task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="1")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    return draw


def test_objects_drawn_by_overlapping_tasks_are_proposed_for_a_combined_visit(
    joint_task, staff_a, staff_b, department_b, office_admin, run_on_commit, api_client_for
):
    first = _drawn(joint_task, staff_a, staff_b, run_on_commit)
    second_task = approve(
        make_task(staff_a, participants=[department_b], composition={"DEPA": 1, "DEPB": 1}),
        office_admin,
    )
    second = _drawn(second_task, staff_a, staff_b, run_on_commit)
    shared = set(first.result["objects"]) & set(second.result["objects"])
    assert shared  # at least the two MUST objects
    proposals = combine_proposals(joint_task)
    assert {p.code for p in proposals} == shared
    assert all(p.other_task == second_task for p in proposals)
    # The panel's API lists the same proposals.
    panel = api_client_for(staff_a).get(f"/api/v1/tasks/{joint_task.pk}/combine/").json()
    assert {row["code"] for row in panel} == shared
    assert {row["other_task"] for row in panel} == {second_task.code}


def test_workload_over_the_cap_is_flagged(
    joint_task, staff_a, staff_b, run_on_commit, registry, api_client_for
):
    draw = _drawn(joint_task, staff_a, staff_b, run_on_commit)
    member = GroupMember.objects.filter(draw=draw).first()
    member.inspector.max_load = 0
    member.inspector.save(update_fields=["max_load"])
    flags = workload_flags(joint_task)
    assert [f.code for f in flags if f.over_cap] == [member.code]
    panel = api_client_for(staff_a).get(f"/api/v1/tasks/{joint_task.pk}/workload/").json()
    assert [row["code"] for row in panel if row["over_cap"]] == [member.code]


def test_api_flow(api_client_for, joint_task, staff_a, staff_b, django_capture_on_commit_callbacks):
    lead, other = api_client_for(staff_a), api_client_for(staff_b)
    draw = lead.post(f"/api/v1/tasks/{joint_task.pk}/push/", {}, format="json").json()
    assert (
        draw["state"] == "announced"
        and "sealed_secret" not in draw
        and draw["revealed_secret"] == ""
    )
    review_id = draw["reviews"][0]["id"]
    assert (
        other.post(
            f"/api/v1/tasks/reviews/{review_id}/confirm/", {"witness": "9"}, format="json"
        ).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            lead.post(f"/api/v1/tasks/draws/{draw['id']}/reveal/", format="json").status_code == 200
        )
    bundle = lead.get(f"/api/v1/tasks/draws/{draw['id']}/bundle/")
    assert bundle.status_code == 200
    verify = (
        api_client_for(None)
        .post("/api/v1/tasks/verify/", {"bundle": bundle.json()}, format="json")
        .json()
    )
    assert verify["valid"] is True
    tampered = bundle.json()
    tampered["secret"] = "0" * 64
    verify = (
        api_client_for(None)
        .post("/api/v1/tasks/verify/", {"bundle": tampered}, format="json")
        .json()
    )
    assert verify["valid"] is False and any(p["code"] == "commitment" for p in verify["problems"])
    listing = lead.get("/api/v1/tasks/?status=drawn").json()
    assert [t["code"] for t in listing["results"]] == [joint_task.code]
    created = lead.post(
        "/api/v1/tasks/create/",
        {
            "title": "API任务",
            "adhoc_reason": "临时",
            "matters": [joint_task.matters.first().code],
            "participating_departments": ["DEPB"],
            "start_date": str(timezone.localdate() + timedelta(days=5)),
            "end_date": str(timezone.localdate() + timedelta(days=9)),
            "group_composition": {"DEPA": 1, "DEPB": 1},
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert DrawnObject.objects.exists()
