"""Opening the inspections when a task starts, the leader's dates, combined visits, and the
draw rules that read results (clean-result exclusion, low-risk yearly limit)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from publication.calendar import add_working_days
from tasks.inspections.choices import CombinedVisitStatus, ResultCategory
from tasks.inspections.models import CombinedVisitPart, Inspection, MatterRecord, RecordAnswer
from tasks.inspections.services.combined import (
    combined_visit_accept,
    combined_visit_cancel,
    combined_visit_decline,
    combined_visit_propose,
)
from tasks.inspections.services.inspections import inspection_schedule, inspections_open
from tasks.inspections.services.results import (
    result_approve,
    result_compile,
    result_correct,
    result_submit,
)
from tasks.models import DrawnObject, TaskPolicy
from tasks.services.snapshots import low_risk_over_limit_ids, recently_clean_object_ids
from tests.tasks.inspections.builders import fill_record, record_of, start_joint_task

pytestmark = pytest.mark.django_db


def test_starting_a_task_opens_an_inspection_per_drawn_object(started, department_a):
    task = started.task
    drawn = DrawnObject.objects.filter(draw__task=task).count()
    assert Inspection.objects.filter(task=task).count() == drawn
    inspection = started.first()
    # each department records its own matter, with the catalog's check points copied
    records = {r.department.code: r for r in MatterRecord.objects.filter(inspection=inspection)}
    assert records["DEPA"].matter == started.matter_a
    assert records["DEPB"].matter == started.matter_b
    texts = list(records["DEPA"].answers.values_list("text", flat=True))
    assert texts == ["甲部门事项：要点1", "甲部门事项：要点2"]
    # common or unassigned matters fall to the lead department; the due date counts 20 working
    # days from the task's end until the inspection's own completion date is known
    assert inspection.result.due_on == add_working_days(task.end_date, 20)
    assert inspections_open(task=task, opened_by=None) == 0  # idempotent


def test_a_catalog_change_never_rewrites_an_opened_record(started, department_a, office_admin):
    from catalog.services import matter_set_check_points

    record = record_of(started.first(), department_a)
    matter_set_check_points(
        matter=started.matter_a,
        set_by=office_admin,
        check_points=[{"text": "全新的检查要点"}],
        reason="清单修订",
    )
    assert list(RecordAnswer.objects.filter(record=record).values_list("text", flat=True)) == [
        "甲部门事项：要点1",
        "甲部门事项：要点2",
    ]


def test_leader_sets_dates_within_the_task_period(started, staff_a, staff_b):
    inspection = started.first()
    day = timezone.localdate() + timedelta(days=2)
    inspection_schedule(inspection=inspection, scheduled_on=day, scheduled_by=started.leader)
    inspection.refresh_from_db()
    assert inspection.scheduled_on == day
    assert AuditEvent.objects.filter(action="inspection.schedule").exists()
    with pytest.raises(ValidationError):
        inspection_schedule(
            inspection=inspection,
            scheduled_on=started.task.end_date + timedelta(days=1),
            scheduled_by=started.leader,
        )
    for user in (started.member_b, started.leader2, staff_b):
        with pytest.raises(PermissionDenied):
            inspection_schedule(inspection=inspection, scheduled_on=day, scheduled_by=user)
    # the lead department's staff may arrange too
    inspection_schedule(inspection=inspection, scheduled_on=None, scheduled_by=staff_a)


@pytest.fixture
def two_tasks(started, staff_a, staff_b, office_admin, department_a, department_b):
    """A second task over the same registry: the two anomaly-list objects are drawn by both."""
    second = start_joint_task(
        staff_a=staff_a,
        staff_b=staff_b,
        office_admin=office_admin,
        department_a=department_a,
        department_b=department_b,
        code="LJ-2026-0902",
    )
    mine = {i.inspection_object_id: i for group in started.inspections.values() for i in group}
    theirs = {i.inspection_object_id: i for group in second.inspections.values() for i in group}
    common = sorted(set(mine) & set(theirs))
    assert common
    return started, second, mine[common[0]], theirs[common[0]]


def _leader_of(started, inspection):
    return started.leader_of(inspection)


def test_combined_visit_is_agreed_by_both_sides_and_sets_one_date(two_tasks):
    first, second, here, there = two_tasks
    day = timezone.localdate() + timedelta(days=3)
    visit = combined_visit_propose(
        inspection=here, other=there, visit_on=day, proposed_by=_leader_of(first, here)
    )
    assert visit.status == CombinedVisitStatus.PROPOSED
    with pytest.raises(PermissionDenied):  # the proposer cannot answer for the other side
        combined_visit_accept(visit=visit, accepted_by=_leader_of(first, here))
    with pytest.raises(ValidationError):  # one open visit per inspection
        combined_visit_propose(
            inspection=here, other=there, visit_on=day, proposed_by=_leader_of(first, here)
        )
    visit = combined_visit_accept(visit=visit, accepted_by=_leader_of(second, there))
    assert visit.status == CombinedVisitStatus.AGREED
    for inspection in (here, there):
        inspection.refresh_from_db()
        assert inspection.scheduled_on == day and inspection.combined_visit == visit
    # the date is now shared: changing it needs the arrangement withdrawn first
    with pytest.raises(ValidationError):
        inspection_schedule(inspection=here, scheduled_on=day, scheduled_by=_leader_of(first, here))
    combined_visit_cancel(visit=visit, cancelled_by=_leader_of(second, there), reason="对方延期")
    here.refresh_from_db()
    assert here.combined_visit is None and here.scheduled_on == day
    assert not CombinedVisitPart.objects.filter(is_open=True).exists()


def test_a_declined_proposal_needs_a_reason_and_frees_both_inspections(two_tasks):
    first, second, here, there = two_tasks
    day = timezone.localdate() + timedelta(days=3)
    visit = combined_visit_propose(
        inspection=here, other=there, visit_on=day, proposed_by=_leader_of(first, here)
    )
    with pytest.raises(ValidationError):
        combined_visit_decline(visit=visit, declined_by=_leader_of(second, there), reason="")
    visit = combined_visit_decline(
        visit=visit, declined_by=_leader_of(second, there), reason="本组已于上周检查"
    )
    assert visit.status == CombinedVisitStatus.DECLINED
    combined_visit_propose(
        inspection=here, other=there, visit_on=day, proposed_by=_leader_of(first, here)
    )


def test_combined_visit_api_proposes_and_the_other_lead_accepts(two_tasks, api_client_for, staff_a):
    first, second, here, there = two_tasks
    day = (timezone.localdate() + timedelta(days=4)).isoformat()
    response = api_client_for(_leader_of(first, here)).post(
        f"/api/v1/inspections/{here.pk}/combined-visits/",
        {"other": there.pk, "visit_on": day},
        format="json",
    )
    assert response.status_code == 201, response.content
    visit_id = response.json()["id"]
    pending = api_client_for(_leader_of(second, there)).get("/api/v1/inspections/combined-visits/")
    assert [v["id"] for v in pending.json()["results"]] == [visit_id]
    response = api_client_for(_leader_of(second, there)).post(
        f"/api/v1/inspections/combined-visits/{visit_id}/accept/"
    )
    assert response.status_code == 200 and response.json()["status"] == "agreed"


def _approve_clean(started, inspection, department_a, department_b, staff_a, completed_on=None):
    fill_record(record_of(inspection, department_a), _leader_of(started, inspection))
    member = started.member_b_of(inspection)
    fill_record(record_of(inspection, department_b), member)
    result = result_compile(
        result=inspection.result,
        compiled_by=_leader_of(started, inspection),
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=completed_on or timezone.localdate(),
    )
    result = result_submit(result=result, submitted_by=_leader_of(started, inspection))
    return result_approve(result=result, approved_by=staff_a)


def test_recently_clean_objects_come_from_approved_results(
    started, department_a, department_b, staff_a
):
    inspection = started.first()
    today = timezone.localdate()
    assert inspection.inspection_object_id not in recently_clean_object_ids(months=6, on=today)
    result = _approve_clean(started, inspection, department_a, department_b, staff_a)
    assert inspection.inspection_object_id in recently_clean_object_ids(months=6, on=today)
    assert recently_clean_object_ids(months=None, on=today) == set()
    # a correction in progress keeps the last approved version
    result_correct(result=result, corrected_by=staff_a, reason="备注补充")
    assert inspection.inspection_object_id in recently_clean_object_ids(months=6, on=today)


def test_clean_rule_excludes_the_object_from_the_next_draw(
    started, department_a, department_b, staff_a
):
    from tasks.services.snapshots import candidate_queryset

    inspection = started.first()
    _approve_clean(started, inspection, department_a, department_b, staff_a)
    policy = TaskPolicy.current()
    policy.clean_result_months = 12
    policy.save()
    candidates = candidate_queryset(started.task, on=timezone.localdate())
    assert not candidates.filter(pk=inspection.inspection_object_id).exists()


def test_low_risk_count_uses_completion_year_and_counts_a_combined_visit_once(two_tasks):
    first, second, here, there = two_tasks
    year = timezone.localdate().year
    object_id = here.inspection_object_id
    assert object_id in set(low_risk_over_limit_ids(limit=2, year=year))
    visit = combined_visit_propose(
        inspection=here,
        other=there,
        visit_on=timezone.localdate() + timedelta(days=1),
        proposed_by=_leader_of(first, here),
    )
    combined_visit_accept(visit=visit, accepted_by=_leader_of(second, there))
    assert object_id not in set(low_risk_over_limit_ids(limit=2, year=year))
    assert object_id in set(low_risk_over_limit_ids(limit=1, year=year))
