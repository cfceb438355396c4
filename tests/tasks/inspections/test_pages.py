"""The inspection pages end to end through the Django test client: a leader arranges dates,
both departments enter their records (one with a photo), the leader compiles and submits, the
lead department's reviewer approves and publishes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tasks.inspections.choices import RecordStatus, ResultStatus
from tasks.inspections.models import Attachment, InspectionResult
from tests.tasks.inspections.builders import jpeg_bytes, record_of

pytestmark = pytest.mark.django_db


def _record_post(record, *, answer="符合", complete=True, findings="现场核查无异常"):
    data = {f"answer_{a.position}": answer for a in record.answers.all()} | {
        "methods": ["on_site"],
        "inspected_on": timezone.localdate().isoformat(),
        "findings": findings,
        "object_opinion": "无异议",
    }
    if complete:
        data["complete"] = "1"
    return data


def test_result_from_group_page_to_publication(
    client_for, started, department_a, department_b, staff_a
):
    inspection = started.first()
    leader = client_for(started.leader)
    # the leader sees the group and sets a date
    group_url = f"/inspections/tasks/{started.task.pk}/groups/{started.group}/"
    page = leader.get(group_url)
    assert page.status_code == 200
    assert inspection.inspection_object.name in page.content.decode()
    day = timezone.localdate() + timedelta(days=1)
    response = leader.post(group_url + "schedule/", {f"date_{inspection.pk}": day.isoformat()})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.scheduled_on == day
    # the inspection page offers each department its own record only
    page = leader.get(f"/inspections/{inspection.pk}/").content.decode()
    record_a = record_of(inspection, department_a)
    record_b = record_of(inspection, department_b)
    assert f"/inspections/records/{record_a.pk}/" in page
    assert (
        leader.post(f"/inspections/records/{record_b.pk}/", _record_post(record_b)).status_code
        == 404
    )
    # both departments enter and complete their records, DEPA with a photo
    response = leader.post(f"/inspections/records/{record_a.pk}/", _record_post(record_a))
    assert response.status_code == 302, response.content.decode()[:2000]
    photo = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = leader.post(
        f"/inspections/records/{record_a.pk}/attachments/", {"file": photo, "caption": "门头"}
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(record=record_a)
    assert attachment.content_type == "image/jpeg" and attachment.caption == "门头"
    member_b = client_for(started.member_b)
    assert (
        member_b.post(f"/inspections/records/{record_b.pk}/", _record_post(record_b)).status_code
        == 302
    )
    record_a.refresh_from_db()
    record_b.refresh_from_db()
    assert record_a.status == record_b.status == RecordStatus.DONE
    # the leader compiles and submits
    response = leader.post(
        f"/inspections/{inspection.pk}/compile/",
        {"categories": ["no_problem"], "completed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    leader.post(f"/inspections/{inspection.pk}/submit/")
    result = InspectionResult.objects.get(inspection=inspection)
    assert result.status == ResultStatus.SUBMITTED
    # the reviewer of the lead department approves and publishes
    reviewer = client_for(staff_a)
    page = reviewer.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'data-testid="approve-result"' in page
    reviewer.post(f"/inspections/{inspection.pk}/approve/")
    reviewer.post(f"/inspections/{inspection.pk}/publish/")
    result.refresh_from_db()
    assert result.status == ResultStatus.PUBLISHED and result.published_version.number == 1
    # the photo is served through the access check
    response = reviewer.get(f"/inspections/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == jpeg_bytes()


@pytest.mark.parametrize(
    "persona", ["office_admin", "staff_a", "staff_b", "inspector_a", "witness_a"]
)
def test_every_page_renders_for_each_persona(request, client_for, started, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    inspection = started.first()
    for url in (
        "/inspections/",
        f"/inspections/tasks/{started.task.pk}/groups/{started.group}/",
        f"/inspections/{inspection.pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_leader_home_lists_their_groups(client_for, started):
    page = client_for(started.leader).get("/inspections/").content.decode()
    assert started.task.code in page and started.group in page
    assert 'data-testid="group-card"' in page


def test_object_record_shows_its_inspections_and_open_measures(world, client_for):
    from registries.models import ObjectSupervision
    from tasks.inspections.models import FollowUpMeasure

    inspection = world.inspection
    ObjectSupervision.objects.create(
        inspection_object_id=inspection.inspection_object_id,
        department=world.started.task.lead_department,
    )
    url = f"/registries/objects/{inspection.inspection_object_id}/"
    page = client_for(world.users["staff_a"]).get(url).content.decode()
    assert 'data-testid="object-inspections"' in page
    assert world.started.task.code in page
    measure = FollowUpMeasure.objects.get(pk=world.measure.pk)
    assert f"/inspections/measures/{measure.pk}/" in page
    # the office sees the inspection but not an unpublished result's content
    page = client_for(world.users["office_admin"]).get(url).content.decode()
    assert world.started.task.code in page and "公示前不可见" in page
