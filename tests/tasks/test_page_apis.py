"""The task pages that had no API: the list's download and the edit form."""

import pytest

from accounts.models import AuditEvent
from tasks.choices import TaskStatus
from tests.page_apis import body
from tests.tasks.factories import make_task

pytestmark = pytest.mark.django_db


def test_task_export_api_is_the_page_export(client_for, api_client_for, registry, staff_a):
    make_task(staff_a, title="=危险 任务")
    make_task(staff_a, title="另一个任务")
    for export_format in ("csv", "xlsx"):
        page = client_for(staff_a).get(f"/tasks/?format={export_format}&q=危险")
        api = api_client_for(staff_a).get(f"/api/v1/tasks/export/{export_format}/?q=危险")
        assert api.status_code == 200
        assert api["Content-Disposition"] == page["Content-Disposition"]
        if export_format == "csv":
            text = body(page)
            assert body(api) == text
            assert "'=危险 任务" in text.decode("utf-8-sig")
            assert "另一个任务" not in text.decode("utf-8-sig")


def test_task_update_api_changes_what_is_sent(api_client_for, registry, staff_a):
    task = make_task(staff_a, title="旧名称")
    response = api_client_for(staff_a).post(
        f"/api/v1/tasks/{task.pk}/update/", {"title": "新名称"}, format="json"
    )
    assert response.status_code == 200, response.content
    task.refresh_from_db()
    assert task.title == "新名称" and task.status == TaskStatus.DRAFT
    assert response.json()["title"] == "新名称"
    event = AuditEvent.objects.filter(action="task.update").latest("seq")
    assert event.details["changes"]["title"] == {"before": "旧名称", "after": "新名称"}


def test_task_update_api_refuses_bad_input_and_other_departments(
    api_client_for, registry, staff_a, staff_b
):
    task = make_task(staff_a)
    lead = api_client_for(staff_a)
    bad = lead.post(
        f"/api/v1/tasks/{task.pk}/update/",
        {"start_date": "2030-02-01", "end_date": "2030-01-01"},
        format="json",
    )
    assert bad.status_code == 400
    other = api_client_for(staff_b).post(
        f"/api/v1/tasks/{task.pk}/update/", {"title": "x"}, format="json"
    )
    assert other.status_code == 404
