"""A result from entry to publication and correction, at the service level."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from tasks.choices import TaskStatus
from tasks.inspections.choices import RecordStatus, ResultCategory, ResultStatus
from tasks.inspections.models import InspectionResult, ResultVersion
from tasks.inspections.services.results import (
    result_approve,
    result_compile,
    result_correct,
    result_publish,
    result_return,
    result_submit,
)
from tests.tasks.inspections.builders import fill_record, record_of

pytestmark = pytest.mark.django_db


def _clean_result(started, inspection, department_a, department_b, leader=None, member_b=None):
    leader = leader or started.leader
    member_b = member_b or started.member_b
    fill_record(record_of(inspection, department_a), leader)
    fill_record(record_of(inspection, department_b), member_b)
    result = InspectionResult.objects.get(inspection=inspection)
    return result_compile(
        result=result,
        compiled_by=leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )


def test_leader_submits_reviewer_approves_and_version_is_frozen(
    started, department_a, department_b, staff_a
):
    # given
    inspection = started.first()
    result = _clean_result(started, inspection, department_a, department_b)
    # when
    result = result_submit(result=result, submitted_by=started.leader)
    result = result_approve(result=result, approved_by=staff_a)
    # then
    assert result.status == ResultStatus.APPROVED
    version = ResultVersion.objects.get(result=result)
    assert version.number == 1 and version.categories == ["no_problem"]
    assert {r["department"] for r in version.content["records"]} == {"DEPA", "DEPB"}
    assert all(
        answer["answer"] == "符合"
        for record in version.content["records"]
        for answer in record["answers"]
    )
    assert version.retain_until.year == timezone.localdate().year + 2
    assert AuditEvent.objects.filter(action="result.approve", target_id=str(result.pk)).exists()


def test_task_completes_when_the_last_result_is_approved(
    started, department_a, department_b, staff_a
):
    inspections = [
        inspection
        for group in started.inspections.values()
        for inspection in group
        if InspectionResult.objects.get(inspection=inspection).status == ResultStatus.OPEN
    ]
    assert inspections
    for index, inspection in enumerate(inspections):
        leader, member_b = started.leader_of(inspection), started.member_b_of(inspection)
        result = _clean_result(started, inspection, department_a, department_b, leader, member_b)
        result_submit(result=result, submitted_by=leader)
        result_approve(result=result, approved_by=staff_a)
        started.task.refresh_from_db()
        expected = TaskStatus.COMPLETED if index == len(inspections) - 1 else TaskStatus.IN_PROGRESS
        assert started.task.status == expected


def test_no_problem_excludes_every_other_category(started, department_a, department_b):
    result = InspectionResult.objects.get(inspection=started.first())
    with pytest.raises(ValidationError):
        result_compile(
            result=result,
            compiled_by=started.leader,
            categories=[ResultCategory.NO_PROBLEM, ResultCategory.NOT_PUBLICISED],
            completed_on=timezone.localdate(),
        )


def test_only_the_leader_compiles_and_submits(started, department_a, department_b, staff_a):
    result = InspectionResult.objects.get(inspection=started.first())
    for user in (started.member_b, staff_a, started.leader2):
        with pytest.raises(PermissionDenied):
            result_compile(
                result=result,
                compiled_by=user,
                categories=[ResultCategory.NO_PROBLEM],
                completed_on=timezone.localdate(),
            )


def test_submission_waits_for_every_department_record(started, department_a, department_b):
    inspection = started.first()
    fill_record(record_of(inspection, department_a), started.leader)
    result = result_compile(
        result=InspectionResult.objects.get(inspection=inspection),
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        result_submit(result=result, submitted_by=started.leader)
    assert "生态环境局" in " ".join(error.value.messages)


def test_group_members_and_submitter_cannot_review(
    started, department_a, department_b, staff_a, staff_b
):
    inspection = started.first()
    result = _clean_result(started, inspection, department_a, department_b)
    result = result_submit(result=result, submitted_by=started.leader)
    for user in (started.leader, started.member_b, staff_b):
        with pytest.raises(PermissionDenied):
            result_approve(result=result, approved_by=user)


def test_return_needs_a_reason_and_reopens_entry(started, department_a, department_b, staff_a):
    inspection = started.first()
    result = _clean_result(started, inspection, department_a, department_b)
    result = result_submit(result=result, submitted_by=started.leader)
    with pytest.raises(ValidationError):
        result_return(result=result, returned_by=staff_a, reason="  ")
    result = result_return(result=result, returned_by=staff_a, reason="检查完成日期有误")
    assert result.status == ResultStatus.RETURNED
    # the group can enter again
    result_compile(
        result=result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
        remarks="已更正日期",
    )


def test_publish_then_correct_keeps_published_version_until_the_next_is_published(
    started, department_a, department_b, staff_a
):
    # given a published result
    inspection = started.first()
    result = _clean_result(started, inspection, department_a, department_b)
    result = result_submit(result=result, submitted_by=started.leader)
    result = result_approve(result=result, approved_by=staff_a)
    result = result_publish(result=result, published_by=staff_a)
    first = result.published_version
    # when it is corrected
    result = result_correct(
        result=result, corrected_by=staff_a, reason="企业提出异议，经核实备注有误"
    )
    # then the published version stays until the corrected one is approved and published
    assert result.status == ResultStatus.OPEN and result.version == 2
    assert result.published_version == first
    record = record_of(inspection, department_a)
    assert record.status == RecordStatus.DONE
    result = result_compile(
        result=result,
        compiled_by=started.leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=timezone.localdate(),
        remarks="更正后的备注",
    )
    result = result_submit(result=result, submitted_by=started.leader)
    result = result_approve(result=result, approved_by=staff_a)
    assert result.published_version == first
    result = result_publish(result=result, published_by=staff_a)
    second = result.published_version
    assert second.number == 2 and second.reason.startswith("企业提出异议")
    assert ResultVersion.objects.filter(result=result).count() == 2
    event = AuditEvent.objects.filter(action="result.publish").order_by("-seq").first()
    assert event.details["corrected"] is True
