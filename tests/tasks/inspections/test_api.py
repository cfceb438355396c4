"""Endpoint tests of the inspection API: the whole result flow, bad input as clear 400s, and the
list endpoints' query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.tasks.inspections.builders import jpeg_bytes, pdf_bytes, record_of

pytestmark = pytest.mark.django_db
BASE = "/api/v1/inspections"


def _enter(client, record, answer="符合"):
    answers = [{"position": a.position, "answer": answer} for a in record.answers.all()]
    response = client.post(
        f"{BASE}/records/{record.pk}/update/",
        {
            "answers": answers,
            "methods": ["on_site"],
            "inspected_on": timezone.localdate().isoformat(),
            "findings": "现场核查：标签不规范" if answer == "不符合" else "现场核查",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    response = client.post(f"{BASE}/records/{record.pk}/complete/")
    assert response.status_code == 200, response.content
    return response.json()


def test_result_flow_through_the_api(api_client_for, started, department_a, department_b, staff_a):
    inspection = started.first()
    leader = api_client_for(started.leader)
    today = timezone.localdate().isoformat()
    # schedule, enter both records, attach a photo
    response = leader.post(
        f"{BASE}/{inspection.pk}/schedule/", {"scheduled_on": today}, format="json"
    )
    assert response.status_code == 200 and response.json()["scheduled_on"] == today
    record_a = record_of(inspection, department_a)
    body = _enter(leader, record_a, answer="不符合")
    assert body["status"] == "done" and body["problem_found"] is True
    photo = SimpleUploadedFile("门头.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = leader.post(
        f"{BASE}/records/{record_a.pk}/attachments/",
        {"kind": "photo", "file": photo, "caption": "价格标签"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    attachment = response.json()
    _enter(api_client_for(started.member_b), record_of(inspection, department_b))
    # compile with a rectification measure, then submit
    result_id = inspection.result.pk
    response = leader.post(
        f"{BASE}/results/{result_id}/compile/",
        {"categories": ["rectified"], "completed_on": today, "remarks": "现场责令改正"},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = leader.post(
        f"{BASE}/results/{result_id}/measures/",
        {"kind": "rectify", "department": "DEPA", "description": "更换价格标签"},
        format="json",
    )
    assert response.status_code == 201, response.content
    measure_id = response.json()["id"]
    assert leader.post(f"{BASE}/results/{result_id}/submit/").json()["status"] == "submitted"
    # the lead department reviews, approves and publishes
    reviewer = api_client_for(staff_a)
    assert reviewer.post(f"{BASE}/results/{result_id}/approve/").json()["status"] == "approved"
    body = reviewer.post(f"{BASE}/results/{result_id}/publish/").json()
    assert body["status"] == "published" and body["published_version"] == 1
    versions = reviewer.get(f"{BASE}/results/{result_id}/versions/").json()
    assert [v["number"] for v in versions] == [1]
    names = [a["name"] for r in versions[0]["content"]["records"] for a in r["attachments"]]
    assert names == ["门头.jpg"]
    # the follow-up is tracked to closure
    response = leader.post(
        f"{BASE}/measures/{measure_id}/recheck/",
        {"recheck_on": today, "note": "已更换"},
        format="json",
    )
    assert response.status_code == 200
    response = leader.post(
        f"{BASE}/measures/{measure_id}/close/",
        {"outcome": "复查合格", "outcome_on": today},
        format="json",
    )
    assert response.json()["status"] == "closed"
    # and the photo downloads for the reviewer
    response = reviewer.get(f"{BASE}/attachments/{attachment['id']}/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"


def test_bad_input_is_a_clear_400(api_client_for, started, department_a):
    inspection = started.first()
    leader = api_client_for(started.leader)
    record = record_of(inspection, department_a)
    response = leader.post(
        f"{BASE}/records/{record.pk}/update/",
        {"answers": [{"position": 1, "answer": "也许"}]},
        format="json",
    )
    assert response.status_code == 400 and "结论只能是" in response.content.decode()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = leader.post(
        f"{BASE}/records/{record.pk}/attachments/", {"kind": "photo", "file": fake}
    )
    assert response.status_code == 400
    report = SimpleUploadedFile("r.pdf", pdf_bytes(b"/JavaScript"), content_type="application/pdf")
    response = leader.post(
        f"{BASE}/records/{record.pk}/attachments/", {"kind": "test_report", "file": report}
    )
    assert response.status_code == 400 and "脚本" in response.content.decode()
    response = leader.post(
        f"{BASE}/results/{inspection.result.pk}/compile/",
        {"categories": ["no_problem", "closed"], "completed_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "未发现问题" in response.content.decode()
    response = leader.post(f"{BASE}/results/{inspection.result.pk}/submit/")
    assert response.status_code == 400


def test_group_list_shows_the_inspectors_groups(api_client_for, started):
    body = api_client_for(started.leader).get(f"{BASE}/groups/").json()
    assert [(g["task"], g["group_id"], g["is_leader"]) for g in body] == [
        (started.task.code, started.group, True)
    ]
    assert body[0]["objects"] == len(started.inspections[started.group])


def test_inspection_list_query_count_does_not_grow_with_rows(
    api_client_for, started, staff_b, django_assert_max_num_queries
):
    client = api_client_for(staff_b)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/")
    assert response.json()["count"] == sum(len(v) for v in started.inspections.values())


def test_measure_list_query_count(api_client_for, world, django_assert_max_num_queries):
    client = api_client_for(world.users["staff_c"])
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/measures/?scope=notified").json()
    assert [m["id"] for m in body["results"]] == [world.measure.pk]
