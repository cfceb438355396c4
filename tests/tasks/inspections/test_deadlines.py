"""The inspection work on the working-day deadlines (publication.deadlines): each inspection's
result-entry deadline (opened with the inspections, moved by the visit and completion dates,
closed by the approval, cancelled with a voided draw) and each rectification's deadline; dates
around National Day 2025 with its make-up days and in a year without official calendar data."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from publication.calendar import add_working_days
from publication.deadlines.selectors import deadline_for_subject
from publication.deadlines.services import (
    DeadlineSpec,
    deadline_open_many,
    deadline_rules_ensure,
    deadline_set_responsible,
    deadline_sweep,
)
from publication.models import Deadline, DeadlineKind, DeadlineRule, DeadlineState
from tasks.inspections.choices import MeasureKind, ResultCategory
from tasks.inspections.models import Inspection, InspectionResult
from tasks.inspections.services.deadlines import result_deadline_follow
from tasks.inspections.services.followups import measure_add, measure_close, measure_recheck
from tasks.inspections.services.inspections import inspection_schedule
from tasks.inspections.services.results import result_approve, result_compile, result_submit
from tests.tasks.inspections.builders import fill_record, record_of

pytestmark = pytest.mark.django_db
ENTRY = DeadlineKind.RESULT_ENTRY


def _entry(inspection) -> Deadline:
    return deadline_for_subject(ENTRY, inspection)


def test_opening_inspections_opens_one_entry_deadline_each(started):
    task = started.task
    inspections = list(Inspection.objects.filter(task=task).select_related("result"))
    deadlines = Deadline.objects.filter(
        kind=ENTRY,
        subject_type=ContentType.objects.get_for_model(Inspection),
        subject_id__in=[i.pk for i in inspections],
    )
    assert deadlines.count() == len(inspections) > 0
    expected = add_working_days(task.end_date, 20)
    for inspection in started.inspections["G002"]:  # untouched; G001 holds approved results
        inspection.refresh_from_db()
        deadline = _entry(inspection)
        assert deadline.is_open and deadline.department_id == task.lead_department_id
        assert (deadline.start_date, deadline.working_days) == (task.end_date, 20)
        assert deadline.due_date == expected == inspection.result.due_on
        assert deadline.url.endswith(f"/{inspection.pk}/")


def test_the_visit_day_and_the_completion_day_move_the_deadline(started):
    inspection = started.first()
    today = timezone.localdate()
    visit = today - timedelta(days=2)
    inspection_schedule(inspection=inspection, scheduled_on=visit, scheduled_by=started.leader)
    deadline = _entry(inspection)
    assert deadline.start_date == visit and deadline.due_date == add_working_days(visit, 20)
    assert list(deadline.responsible.all()) == [started.leader]  # linked after the opening
    assert InspectionResult.objects.get(inspection=inspection).due_on == deadline.due_date
    result_compile(
        result=inspection.result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=today,
    )
    deadline = _entry(inspection)
    assert deadline.start_date == today and deadline.is_open
    assert Deadline.objects.filter(kind=ENTRY, subject_id=inspection.pk).count() == 1
    assert (
        AuditEvent.objects.filter(action="deadline.reschedule", target_id=str(deadline.pk)).count()
        == 2
    )


def test_the_approval_closes_the_entry_deadline_and_a_submission_does_not(
    started, department_a, department_b, staff_a
):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader)
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=InspectionResult.objects.get(inspection=inspection),
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    result = result_submit(result=result, submitted_by=started.leader)
    assert _entry(inspection).is_open
    result_approve(result=result, approved_by=staff_a)
    deadline = _entry(inspection)
    assert deadline.state == DeadlineState.MET and deadline.closed_by == staff_a
    assert deadline.closed_on == timezone.localdate()


def test_approval_after_the_due_date_closes_it_late(started, department_a, department_b, staff_a):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader)
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=InspectionResult.objects.get(inspection=inspection),
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    result = result_submit(result=result, submitted_by=started.leader)
    due = _entry(inspection).due_date
    days_after = (due - timezone.localdate()).days + 2
    with time_machine.travel(timezone.now() + timedelta(days=days_after)):
        result_approve(result=result, approved_by=staff_a)
    assert _entry(inspection).state == DeadlineState.LATE


@pytest.mark.parametrize(
    ("completed_on", "due_on", "fallback"),
    [
        # 2025: National Day and Mid-Autumn 10-01..10-08 off; make-up working days Sunday 09-28
        # and Saturday 10-11 count.
        (date(2025, 9, 26), date(2025, 10, 30), False),
        (date(2025, 9, 30), date(2025, 11, 4), False),
        # ended during the holiday: the count starts at the next working day, as from 09-30
        (date(2025, 10, 3), date(2025, 11, 4), False),
        # no official 2031 schedule: weekends only, and the deadline says so
        (date(2031, 9, 26), date(2031, 10, 24), True),
    ],
)
def test_entry_deadline_counts_working_days_of_the_official_calendar(
    started, completed_on, due_on, fallback
):
    inspection = started.first()
    result = InspectionResult.objects.get(inspection=inspection)
    InspectionResult.objects.filter(pk=result.pk).update(completed_on=completed_on)
    result.completed_on = completed_on
    result.inspection = inspection
    deadline = result_deadline_follow(result=result, changed_by=None, reason="测试")
    assert (deadline.start_date, deadline.due_date) == (completed_on, due_on)
    assert deadline.uses_fallback is fallback
    assert InspectionResult.objects.get(pk=result.pk).due_on == due_on


def test_opening_many_computes_as_the_calendar_does_and_skips_open_ones(started):
    """deadline_open_many (a task's inspections at once) agrees with the calendar on National Day
    2025 (including the Sunday make-up day 09-28 as a start) and in 2031; a second call opens
    nothing more."""
    inspections = started.inspections["G002"][:1] + started.inspections["G001"][:1]
    Deadline.objects.filter(kind=ENTRY, subject_id__in=[i.pk for i in inspections]).delete()
    starts = [date(2025, 9, 28), date(2031, 12, 24)]
    specs = [
        DeadlineSpec(
            subject_id=inspection.pk,
            department_id=started.task.lead_department_id,
            start_date=start,
            title="录入",
            responsible_ids=(started.leader.pk, started.leader.pk),
        )
        for inspection, start in zip(inspections, starts, strict=True)
    ]
    opened = deadline_open_many(kind=ENTRY, subject_model=Inspection, specs=specs)
    assert len(opened) == 2
    for inspection, start in zip(inspections, starts, strict=True):
        deadline = _entry(inspection)
        assert deadline.due_date == add_working_days(start, 20)
        expected_state = DeadlineState.OVERDUE if start.year == 2025 else DeadlineState.OPEN
        assert deadline.state == expected_state
        assert list(deadline.responsible.all()) == [started.leader]
    assert _entry(inspections[1]).uses_fallback and not _entry(inspections[0]).uses_fallback
    assert deadline_open_many(kind=ENTRY, subject_model=Inspection, specs=specs) == {}
    assert AuditEvent.objects.filter(action="deadline.open_many").exists()


def test_the_sweep_gives_the_leader_yellow_then_red_cards_and_escalates(started, department_a):
    inspection = started.first()
    deadline = _entry(inspection)
    deadline_set_responsible(deadline=deadline, responsible=[started.leader], set_by=None)
    deadline.refresh_from_db()
    deadline_sweep(today=deadline.due_soon_from)
    yellow = Notification.objects.filter(recipient=started.leader, severity="yellow")
    assert yellow.exists()
    deadline_sweep(today=deadline.due_date + timedelta(days=1))
    deadline_sweep(today=deadline.due_date + timedelta(days=1))  # twice = notified once
    red = Notification.objects.filter(recipient=started.leader, severity="red")
    assert red.count() == 1
    assert Notification.objects.filter(kind="deadline.escalation").exists()
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.OVERDUE


def test_a_voided_draw_cancels_the_entry_deadlines(started, staff_a, office_admin):
    from tasks.services.draws import draw_void_decide, draw_void_request

    draw = started.first().drawn_object.draw
    deadlines = Deadline.objects.filter(
        kind=ENTRY, subject_id__in=Inspection.objects.filter(drawn_object__draw=draw).values("pk")
    )
    were_open = set(deadlines.filter(is_open=True).values_list("pk", flat=True))
    met = set(deadlines.filter(state=DeadlineState.MET).values_list("pk", flat=True))
    assert were_open and met  # G001's approved results met theirs
    draw_void_request(draw=draw, requested_by=staff_a, reason="抽取范围有误")
    draw_void_decide(draw=draw, decided_by=office_admin, approve=True)
    assert not deadlines.filter(is_open=True).exists()
    assert set(deadlines.filter(state=DeadlineState.CANCELLED).values_list("pk", flat=True)) == (
        were_open
    )
    assert set(deadlines.filter(state=DeadlineState.MET).values_list("pk", flat=True)) == met


def _rectify(started, department, **kwargs):
    return measure_add(
        result=started.first().result,
        added_by=started.leader,
        kind=MeasureKind.RECTIFY,
        department=department,
        description="价格标签不规范，责令整改",
        **kwargs,
    )


def test_a_rectification_opens_its_deadline_by_the_office_rule(started, department_a):
    deadline_rules_ensure()  # a flushing (transactional) test may have run before in this worker
    DeadlineRule.objects.filter(kind=DeadlineKind.RECTIFICATION).update(working_days=7)
    measure = _rectify(started, department_a)
    deadline = deadline_for_subject(DeadlineKind.RECTIFICATION, measure)
    assert deadline.working_days == 7 and deadline.department == department_a
    assert measure.deadline_on == deadline.due_date == add_working_days(timezone.localdate(), 7)
    assert not deadline.responsible.exists()  # the department's liaison gets the cards


def test_a_rectification_with_a_date_is_due_then_and_closes_with_its_outcome(started, department_a):
    today = timezone.localdate()
    measure = _rectify(started, department_a, deadline_on=today + timedelta(days=3))
    deadline = deadline_for_subject(DeadlineKind.RECTIFICATION, measure)
    assert deadline.fixed_due_date == deadline.due_date == today + timedelta(days=3)
    measure_recheck(measure=measure, rechecked_by=started.leader, recheck_on=today, note="已整改")
    assert deadline_for_subject(DeadlineKind.RECTIFICATION, measure).is_open  # no outcome yet
    with pytest.raises(ValidationError):
        measure_close(measure=measure, closed_by=started.leader, outcome=" ", outcome_on=today)
    assert deadline_for_subject(DeadlineKind.RECTIFICATION, measure).is_open
    measure_close(measure=measure, closed_by=started.leader, outcome="复查合格", outcome_on=today)
    deadline = deadline_for_subject(DeadlineKind.RECTIFICATION, measure)
    assert deadline.state == DeadlineState.MET and deadline.closed_on == today


def test_a_rectification_closed_after_its_date_is_late(started, department_a):
    today = timezone.localdate()
    measure = _rectify(started, department_a, deadline_on=today)
    later = timezone.now() + timedelta(days=4)
    with time_machine.travel(later):
        day = timezone.localdate()
        measure_recheck(measure=measure, rechecked_by=started.leader, recheck_on=day, note="复查")
        measure_close(measure=measure, closed_by=started.leader, outcome="已整改", outcome_on=day)
    assert deadline_for_subject(DeadlineKind.RECTIFICATION, measure).state == DeadlineState.LATE


def test_results_follow_their_deadlines_after_a_recompute(started):
    from tasks.services.reminders import review_reminders_run

    inspection = started.inspections["G002"][0]
    deadline = _entry(inspection)
    moved = deadline.due_date + timedelta(days=3)
    Deadline.objects.filter(pk=deadline.pk).update(due_date=moved)  # as a calendar change would
    assert InspectionResult.objects.get(inspection=inspection).due_on != moved
    review_reminders_run()
    assert InspectionResult.objects.get(inspection=inspection).due_on == moved


def test_the_command_opens_entry_deadlines_missing_from_earlier_inspections(started):
    """Inspections opened before the deadlines were wired get theirs from `inspections_open`;
    approved results get none, and a second run opens nothing."""
    from io import StringIO

    from django.core.management import call_command

    ids = [i.pk for group in started.inspections.values() for i in group]
    Deadline.objects.filter(kind=ENTRY, subject_id__in=ids).delete()
    out = StringIO()
    call_command("inspections_open", stdout=out)
    approved = set(
        InspectionResult.objects.filter(
            inspection_id__in=ids, approved_version__isnull=False
        ).values_list("inspection_id", flat=True)
    )
    assert approved  # G001 of the world
    have = set(
        Deadline.objects.filter(kind=ENTRY, subject_id__in=ids).values_list("subject_id", flat=True)
    )
    assert have == set(ids) - approved
    call_command("inspections_open", stdout=StringIO())
    assert Deadline.objects.filter(kind=ENTRY, subject_id__in=ids).count() == len(have)


def test_a_correction_after_the_due_date_is_not_a_late_entry(
    started, department_a, department_b, staff_a
):
    from tasks.inspections.selectors import overdue_results
    from tasks.inspections.services.results import result_correct

    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader)
    fill_record(record_of(inspection, department_b), started.member_b)
    result = result_compile(
        result=InspectionResult.objects.get(inspection=inspection),
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    result = result_submit(result=result, submitted_by=started.leader)
    result = result_approve(result=result, approved_by=staff_a)
    result_correct(result=result, corrected_by=staff_a, reason="更正备注")
    days_after = (_entry(inspection).due_date - timezone.localdate()).days + 3
    with time_machine.travel(timezone.now() + timedelta(days=days_after)):
        assert not overdue_results(started.leader).filter(pk=result.pk).exists()
        other = started.inspections[started.group][1]
        InspectionResult.objects.filter(inspection=other).update(
            due_on=timezone.localdate() - timedelta(days=1)
        )
        assert overdue_results(started.leader).filter(inspection=other).exists()
    assert _entry(inspection).state == DeadlineState.MET  # no new deadline for the correction


def test_a_replaced_leader_hands_the_open_entry_deadlines_to_the_new_leader(
    started, staff_a, staff_b, run_on_commit
):
    from accounts.choices import Role
    from registries.models import Inspector
    from tasks.services.ceremony import current_members
    from tasks.services.draws import draw_reveal, review_confirm
    from tasks.services.replacements import replacement_announce
    from tests.accounts.factories import UserFactory

    inspection = started.first()
    draw = inspection.drawn_object.draw
    for n, inspector in enumerate(
        Inspector.objects.filter(department=started.task.lead_department, user__isnull=True)
    ):
        inspector.user = UserFactory(
            username=f"lead_inspector_{n}",
            department=inspector.department,
            roles=[Role.INSPECTOR],
        )
        inspector.save(update_fields=["user"])
    leader = current_members(draw).get(group_id=started.group, is_leader=True)
    # when the leader falls ill and a replacement draw names the group's new leader
    replacement = replacement_announce(
        draw=draw,
        inspector_code=leader.code,
        reason="因病住院",
        announced_by=staff_a,
        category="illness",
    )
    review_confirm(review=replacement.reviews.get(), confirmed_by=staff_b, witness="35")
    run_on_commit(draw_reveal, draw=replacement, revealed_by=staff_a)
    # then the group's open entry deadlines name the new leader, and only them
    new_leader = current_members(draw).get(group_id=started.group, is_leader=True)
    assert new_leader.code != leader.code
    group_deadlines = Deadline.objects.filter(
        kind=ENTRY,
        closed_at__isnull=True,
        subject_id__in=Inspection.objects.filter(
            drawn_object__draw=draw, group_id=started.group
        ).values("pk"),
    )
    assert group_deadlines.exists()
    for deadline in group_deadlines:
        assert list(deadline.responsible.all()) == [new_leader.inspector.user]
