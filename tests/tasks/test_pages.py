"""The task pages through HTTP: the whole flow by form posts, exports, the draw record, the bundle,
the PDF, the public page and the verification page."""

import json

import pytest

from tasks.choices import DrawState, TaskStatus
from tasks.models import Draw, Task
from tests.tasks.factories import default_dates, make_matter

pytestmark = pytest.mark.django_db


def test_flow_through_the_pages(
    registry,
    client_for,
    staff_a,
    staff_b,
    office_admin,
    department_b,
    django_capture_on_commit_callbacks,
):
    lead, other, office = client_for(staff_a), client_for(staff_b), client_for(office_admin)
    matter = make_matter()
    start, end = default_dates()
    # create (ad hoc)
    response = lead.post(
        "/tasks/new/",
        {
            "title": "食品安全联合抽查",
            "adhoc_reason": "群众投诉集中",
            "participating_departments": [department_b.pk],
            "matters": [matter.pk],
            "rate_a": "10",
            "rate_b": "20",
            "rate_c": "50",
            "rate_d": "100",
            "groups": 2,
            f"members_{staff_a.department_id}": 1,
            f"members_{department_b.pk}": 1,
            f"tags_{staff_a.department_id}": ["LE"],
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "inspection_method": "on_site",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task = Task.objects.get(title="食品安全联合抽查")
    assert task.strata["C"] == {"rate_bp": 5000}
    assert task.group_composition == {"DEPA": 1, "DEPB": 1}
    assert task.required_tags == {"DEPA": ["LE"]}
    # no public page before the announcement, so no button to it
    assert 'data-testid="public-page-link"' not in lead.get(f"/tasks/{task.pk}/").content.decode()
    assert client_for(None).get(f"/tasks/public/{task.code}/").status_code == 404
    assert lead.post(f"/tasks/{task.pk}/submit/").status_code == 302
    assert office.post(f"/tasks/{task.pk}/approve/", {"approve": "1"}).status_code == 302
    assert lead.post(f"/tasks/{task.pk}/push/").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_REVIEW
    draw = Draw.objects.get(task=task)
    assert 'data-testid="public-page-link"' in lead.get(f"/tasks/{task.pk}/").content.decode()
    # the public announcement exists from now on, without the secret
    public = client_for(None).get(f"/tasks/public/{task.code}/")
    assert public.status_code == 200 and draw.commitment in public.content.decode()
    page = other.get(f"/tasks/{task.pk}/").content.decode()
    assert "确认并录入见证值" in page
    review = draw.reviews.get()
    assert (
        other.post(f"/tasks/reviews/{review.pk}/confirm/", {"witness": "8 8 3 1"}).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert lead.post(f"/tasks/draws/{draw.pk}/reveal/").status_code == 302
    draw.refresh_from_db()
    assert draw.state == DrawState.DRAWN
    record = lead.get(f"/tasks/draws/{draw.pk}/").content.decode()
    assert draw.seed in record and "必查" in record
    bundle = lead.get(f"/tasks/draws/{draw.pk}/bundle.json")
    assert bundle.status_code == 200
    verify = client_for(None).post("/tasks/verify/", {"bundle_text": bundle.content.decode()})
    assert 'data-verdict="valid"' in verify.content.decode()
    data = json.loads(bundle.content)
    data["result"]["seed"] = "0" * 64
    verify = client_for(None).post("/tasks/verify/", {"bundle_text": json.dumps(data)})
    assert "公布的种子与重新计算的不一致" in verify.content.decode()
    # the public bundle waits for the drawn list's publication (the lead department, audited)
    public_bundle = f"/tasks/public/{task.code}/draws/1/bundle.json"
    assert client_for(None).get(public_bundle).status_code == 404
    assert lead.post(f"/publication/draws/{draw.pk}/publish/").status_code == 302
    assert client_for(None).get(public_bundle).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        waiting = lead.get(f"/tasks/draws/{draw.pk}/record.pdf")
    assert waiting.status_code == 202 and "正在生成" in waiting.content.decode()
    pdf = lead.get(f"/tasks/draws/{draw.pk}/record.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"
    assert lead.get("/tasks/?format=csv").status_code == 200
    assert lead.get("/tasks/?format=xlsx").status_code == 200
    assert lead.get("/tasks/?status=drawn&q=食品").status_code == 200
    assert lead.post(f"/tasks/{task.pk}/start/").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
