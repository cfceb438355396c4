"""Publication is explicit and audited: nothing of a draw's result or an unpublished result ever
reaches the public pages, the API, the open data, the feed or the sitemap."""

import json
import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from publication.models import Deadline, DeadlineKind, DeadlineState
from publication.site.models import PublicResult
from publication.site.services import drawn_list_publish
from tasks.inspections.choices import ResultStatus
from tasks.inspections.models import InspectionResult

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    ("publication:task_index", []),
    ("publication:result_list", []),
    ("publication:open_data", []),
    ("publication:feed", []),
    ("publication:sitemap", []),
]


def _everything_public(client, world) -> str:
    """Every public page and file, concatenated: what an anonymous visitor can get."""
    task = world.started.task
    year = task.start_date.year
    bodies = []
    for name, args in PUBLIC_PATHS:
        bodies.append(client.get(reverse(name, args=args)).content.decode())
    for dataset in ("results", "tasks"):
        for fmt in ("csv", "json"):
            response = client.get(reverse("publication:open_data_file", args=[year, dataset, fmt]))
            bodies.append(b"".join(response.streaming_content).decode())
    for name in ("publication:task_detail", "tasks:public_task"):
        response = client.get(reverse(name, args=[task.code]))
        bodies.append(response.content.decode() if response.status_code == 200 else "")
    bodies.append(client.get(f"/api/v1/tasks/public/{task.code}/").content.decode())
    response = client.get(reverse("tasks:public_bundle", args=[task.code, 1]))
    bodies.append(response.content.decode() if response.status_code == 200 else "")
    return "\n".join(bodies)


def test_nothing_of_an_unpublished_drawn_list_or_result_appears(client, world, draw):
    # given a drawn task whose list is not published, and results not published but one
    unpublished = [
        r
        for r in InspectionResult.objects.filter(inspection__task=world.started.task)
        if r.status != ResultStatus.PUBLISHED
    ]
    assert unpublished
    # when an anonymous visitor fetches everything public
    text = _everything_public(client, world)
    # then no drawn object's credit code appears anywhere, nor the task in the index
    codes = list(draw.drawn_objects.values_list("code", flat=True))
    published_code = world.published.drawn_object.code
    leaked = [code for code in codes if code in text and code != published_code]
    assert leaked == []
    assert client.get(reverse("publication:task_detail", args=[draw.task.code])).status_code == 404
    assert client.get(reverse("tasks:public_bundle", args=[draw.task.code, 1])).status_code == 404
    api = client.get(f"/api/v1/tasks/public/{draw.task.code}/").json()
    assert api[0]["result"] is None and api[0]["seed"] == ""


def test_publishing_the_drawn_list_is_audited_closes_the_deadline_and_shows_the_list(
    client, world, draw, django_capture_on_commit_callbacks
):
    staff_a = world.users["staff_a"]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        drawn_list_publish(draw=draw, published_by=staff_a)
    # then
    event = AuditEvent.objects.get(action="drawn_list.publish", target_id=str(draw.pk))
    assert event.actor_id == staff_a.pk
    deadline = Deadline.objects.get(kind=DeadlineKind.DRAWN_LIST_PUBLICATION, subject_id=draw.pk)
    assert deadline.state == DeadlineState.MET and not deadline.is_open
    page = client.get(reverse("publication:task_detail", args=[draw.task.code]))
    assert page.status_code == 200
    for drawn in draw.drawn_objects.select_related("inspection_object"):
        assert drawn.code in page.content.decode()
        assert drawn.inspection_object.name in page.content.decode()
    index = client.get(reverse("publication:task_index"))
    assert draw.task.code in index.content.decode()
    assert client.get(reverse("tasks:public_bundle", args=[draw.task.code, 1])).status_code == 200


def test_each_drawn_object_shows_the_departments_that_inspect_it(client, world, draw):
    """A two-department task (甲 leads; 甲's matter and 乙's matter): each object's group has a
    member of each, so both inspect it, and the drawn list says so, as the records do."""
    from tasks.inspections.models import MatterRecord

    drawn_list_publish(draw=draw, published_by=world.users["staff_a"])
    page = client.get(reverse("publication:task_detail", args=[draw.task.code])).content.decode()
    table = page[page.index('data-testid="public-drawn-list"') :]
    shown = dict(
        re.findall(
            r"<code>([0-9A-Z]{18})</code>.*?<td[^>]*>[^<]*</td><td[^>]*>([^<]*)</td></tr>", table
        )
    )
    codes = list(draw.drawn_objects.values_list("code", flat=True))
    assert sorted(shown) == sorted(codes)
    for code in codes:
        recorded = sorted(
            MatterRecord.objects.filter(
                inspection__drawn_object__draw=draw, inspection__drawn_object__code=code
            )
            .values_list("department__name", flat=True)
            .distinct()
        )
        assert recorded == ["乙部门（生态环境局）", "甲部门（市场监管局）"]
        assert shown[code] == "甲部门（市场监管局）、乙部门（生态环境局）"


def test_publishing_twice_or_by_another_department_is_refused(world, draw):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        drawn_list_publish(draw=draw, published_by=world.users["staff_b"])
    drawn_list_publish(draw=draw, published_by=world.users["staff_a"])
    with pytest.raises(ValidationError):
        drawn_list_publish(draw=draw, published_by=world.users["staff_a"])


def test_the_published_result_shows_exactly_the_public_fields(client, world, published_result):
    row = PublicResult.objects.get(result=published_result, is_current=True)
    version = published_result.published_version
    assert row.version == version.number
    assert row.categories == version.categories
    assert row.credit_code == world.published.drawn_object.code
    assert row.task_code == world.started.task.code
    assert row.is_joint is True
    assert "甲部门" in row.departments and "乙部门" in row.departments
    page = client.get(reverse("publication:result_detail", args=[published_result.pk]))
    text = page.content.decode()
    assert row.result_text in text and row.enterprise_name in text
    # no inspector's name reaches the page, only departments
    for user in (world.users["leader"], world.users["member_b"]):
        if user.full_name:
            assert user.full_name not in text


def test_results_list_filters_are_validated(client, world):
    assert client.get(reverse("publication:result_list"), {"month": "13"}).status_code == 400
    assert client.get(reverse("publication:result_list"), {"year": "x"}).status_code == 400
    bad = client.get(reverse("publication:task_index"), {"department": "<script>"})
    assert bad.status_code == 400 and "<script>" not in bad.content.decode()
    ok = client.get(reverse("publication:result_list"), {"department": "DEPA"})
    assert ok.status_code == 200


def test_open_data_columns_are_stable(client, world, published_result):
    from publication.site.opendata import RESULT_COLUMNS

    year = PublicResult.objects.get(result=published_result).year
    response = client.get(reverse("publication:open_data_file", args=[year, "results", "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(RESULT_COLUMNS)
    assert len(lines) == 2
    response = client.get(reverse("publication:open_data_file", args=[year, "results", "json"]))
    data = json.loads(b"".join(response.streaming_content))
    assert data["columns"] == RESULT_COLUMNS
    assert data["rows"][0]["credit_code"] == world.published.drawn_object.code


def test_feed_and_sitemap_list_the_published_result(client, world, published_result):
    feed = client.get(reverse("publication:feed")).content.decode()
    assert "<feed" in feed and f"result-{published_result.pk}-v1" in feed
    sitemap = client.get(reverse("publication:sitemap")).content.decode()
    code = world.published.drawn_object.code
    assert re.search(rf"/public/enterprises/{code}/</loc>", sitemap)
