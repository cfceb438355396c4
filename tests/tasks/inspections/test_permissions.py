"""Permission matrix of the inspection pages and API: who sees a department's records, the
compiled result, the attachments and the follow-up measures, before and after publication.

A = allowed (200), H = hidden (404, the same as missing), L = the login page; for the API an
anonymous request is refused (401/403). Built on one shared world per module (see conftest)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ACTORS = [
    "office_admin",
    "staff_a",
    "staff_b",
    "leader",
    "member_b",
    "leader2",
    "witness_a",
    "staff_c",
    "anonymous",
]
A, H = "A", "H"

# Who may read what (identical for pages and API, apart from anonymous).
VISIBILITY = {
    "group": dict(office_admin=A, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=A, staff_c=H),
    "inspection": dict(office_admin=A, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=A, staff_c=H),
    "record_a": dict(office_admin=H, staff_a=A, staff_b=H, leader=A, member_b=H, leader2=A, witness_a=H, staff_c=H),
    "record_b": dict(office_admin=H, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=H, staff_c=H),
    "published_record_a": dict(office_admin=A, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=A, staff_c=H),
    "attachment_a": dict(office_admin=H, staff_a=A, staff_b=H, leader=A, member_b=H, leader2=A, witness_a=H, staff_c=H),
    "attachment_b": dict(office_admin=H, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=H, staff_c=H),
    "published_attachment_a": dict(office_admin=H, staff_a=A, staff_b=H, leader=A, member_b=H, leader2=A, witness_a=H, staff_c=H),
    "measure": dict(office_admin=H, staff_a=A, staff_b=H, leader=A, member_b=H, leader2=A, witness_a=H, staff_c=A),
}  # fmt: skip
API_ONLY = {
    "result": dict(office_admin=H, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=H, staff_c=H),
    "published_result": dict(office_admin=A, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=A, staff_c=H),
    "result_versions": dict(office_admin=H, staff_a=A, staff_b=A, leader=A, member_b=A, leader2=A, witness_a=H, staff_c=H),
}  # fmt: skip


def _page_url(world, name):
    task = world.started.task
    return {
        "group": f"/inspections/tasks/{task.pk}/groups/G001/",
        "inspection": f"/inspections/{world.inspection.pk}/",
        "record_a": f"/inspections/records/{world.record_a.pk}/",
        "record_b": f"/inspections/records/{world.record_b.pk}/",
        "published_record_a": f"/inspections/records/{world.published_record_a.pk}/",
        "attachment_a": f"/inspections/attachments/{world.attachment_a.pk}/",
        "attachment_b": f"/inspections/attachments/{world.attachment_b.pk}/",
        "published_attachment_a": f"/inspections/attachments/{world.published_attachment_a.pk}/",
        "measure": f"/inspections/measures/{world.measure.pk}/",
    }[name]


def _api_url(world, name):
    base = "/api/v1/inspections"
    task = world.started.task
    return {
        "group": f"{base}/?task={task.pk}",
        "inspection": f"{base}/{world.inspection.pk}/",
        "record_a": f"{base}/records/{world.record_a.pk}/",
        "record_b": f"{base}/records/{world.record_b.pk}/",
        "published_record_a": f"{base}/records/{world.published_record_a.pk}/",
        "attachment_a": f"{base}/attachments/{world.attachment_a.pk}/",
        "attachment_b": f"{base}/attachments/{world.attachment_b.pk}/",
        "published_attachment_a": f"{base}/attachments/{world.published_attachment_a.pk}/",
        "measure": f"{base}/measures/{world.measure.pk}/",
        "result": f"{base}/results/{world.inspection.result.pk}/",
        "published_result": f"{base}/results/{world.published.result.pk}/",
        "result_versions": f"{base}/results/{world.inspection.result.pk}/versions/",
    }[name]


def _client(world, actor, *, api=False):
    client = APIClient() if api else Client()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


@pytest.mark.parametrize("name", sorted(VISIBILITY))
def test_pages_show_each_thing_only_to_whom_it_belongs(world, name):
    url = _page_url(world, name)
    for actor in ACTORS:
        response = _client(world, actor).get(url)
        if actor == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        expected = 200 if VISIBILITY[name][actor] == A else 404
        assert response.status_code == expected, (name, actor, response.status_code)


@pytest.mark.parametrize("name", sorted({*VISIBILITY, *API_ONLY} - {"group"}))
def test_api_shows_each_thing_only_to_whom_it_belongs(world, name):
    url = _api_url(world, name)
    matrix = VISIBILITY.get(name) or API_ONLY[name]
    for actor in ACTORS:
        response = _client(world, actor, api=True).get(url)
        if actor == "anonymous":
            assert response.status_code in (401, 403), url
            continue
        expected = 200 if matrix[actor] == A else 404
        assert response.status_code == expected, (name, actor, response.status_code)


def test_inspection_api_hides_result_content_until_published(world):
    url = _api_url(world, "inspection")
    for actor, visible in (("staff_b", True), ("office_admin", False), ("witness_a", False)):
        body = _client(world, actor, api=True).get(url).json()
        assert body["result"]["status"] == "open"
        assert (body["result_content"] is not None) is visible, actor
    published = f"/api/v1/inspections/{world.published.pk}/"
    body = _client(world, "office_admin", api=True).get(published).json()
    assert body["result_content"]["categories"] == ["no_problem"]


def test_another_departments_inspections_are_not_listed(world):
    body = _client(world, "staff_c", api=True).get("/api/v1/inspections/").json()
    assert body["count"] == 0
    body = _client(world, "staff_b", api=True).get("/api/v1/inspections/").json()
    assert body["count"] == sum(len(v) for v in world.started.inspections.values())


def test_only_the_departments_own_group_members_enter_its_record(world):
    url = f"/api/v1/inspections/records/{world.record_a.pk}/update/"
    payload = {"findings": "由他人录入"}
    for actor, code in (
        ("staff_a", 404),
        ("leader2", 404),
        ("member_b", 404),
        ("office_admin", 404),
        ("leader", 200),
    ):
        response = _client(world, actor, api=True).post(url, payload, format="json")
        assert response.status_code == code, actor
    page = _client(world, "staff_a").post(f"/inspections/records/{world.record_b.pk}/", {})
    assert page.status_code == 404


def test_attachments_live_outside_the_web_root_and_have_no_url(world):
    attachment = world.attachment_a
    path = Path(attachment.file.path).resolve()
    assert Path(settings.ATTACHMENT_ROOT).resolve() in path.parents
    for public_root in (settings.MEDIA_ROOT, settings.STATIC_ROOT, settings.BASE_DIR / "static"):
        assert Path(public_root).resolve() not in path.parents
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    response = _client(world, "staff_a").get(f"/media/{attachment.file.name}")
    assert response.status_code == 404


def test_notified_department_acknowledges_but_cannot_close(world):
    client = _client(world, "staff_c", api=True)
    url = f"/api/v1/inspections/measures/{world.measure.pk}/"
    response = client.post(url + "acknowledge/", {"note": "已收到"}, format="json")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    response = client.post(
        url + "close/", {"outcome": "x", "outcome_on": "2026-01-01"}, format="json"
    )
    assert response.status_code == 403
