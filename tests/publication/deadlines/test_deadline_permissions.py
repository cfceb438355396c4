"""Who sees which deadlines: a department only its own, the office every department's; the rules
are the office's. Pages and API alike (the same 404 for another department's deadline)."""

from datetime import date

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(open_deadline, department_a, department_b, staff_a):
    a_open = open_deadline(start=date(2025, 9, 26), title="甲部门检查结果", responsible=[staff_a])
    a_late = open_deadline(start=date(2025, 8, 1), title="甲部门逾期事项")
    b_open = open_deadline(start=date(2025, 9, 26), title="乙部门检查结果", department=department_b)
    from publication.deadlines.services import deadline_sweep

    deadline_sweep(today=date(2025, 10, 9))
    return {"a_open": a_open, "a_late": a_late, "b_open": b_open}


def _titles(response):
    return sorted(row["title"] for row in response.json()["results"])


def test_a_department_lists_only_its_deadlines(api_client_for, world, staff_a, staff_b):
    assert _titles(api_client_for(staff_a).get("/api/v1/deadlines/")) == [
        "甲部门检查结果",
        "甲部门逾期事项",
    ]
    assert _titles(api_client_for(staff_b).get("/api/v1/deadlines/")) == ["乙部门检查结果"]
    # Asking for another department's narrows to nothing, it never widens.
    assert _titles(api_client_for(staff_a).get("/api/v1/deadlines/?department=DEPB")) == []


def test_the_office_lists_all_and_filters_by_department_and_overdue(
    api_client_for, world, office_admin, django_assert_max_num_queries
):
    client = api_client_for(office_admin)
    with django_assert_max_num_queries(6):
        everything = client.get("/api/v1/deadlines/")
    assert len(everything.json()["results"]) == 3
    assert _titles(client.get("/api/v1/deadlines/?department=DEPB")) == ["乙部门检查结果"]
    overdue = client.get("/api/v1/deadlines/?overdue=true").json()["results"]
    assert [(row["title"], row["card"], row["department"]) for row in overdue] == [
        ("甲部门逾期事项", "red", "DEPA")
    ]
    assert client.get("/api/v1/deadlines/?state=purple").status_code == 400


def test_detail_is_404_for_another_department(api_client_for, world, staff_a, staff_b, anonymous):
    url = f"/api/v1/deadlines/{world['a_open'].pk}/"
    detail = api_client_for(staff_a).get(url).json()
    assert detail["responsible"] == ["staff_a"] and detail["due_date"] == "2025-10-30"
    assert api_client_for(staff_b).get(url).status_code == 404
    assert api_client_for(staff_b).get("/api/v1/deadlines/999999/").status_code == 404
    assert api_client_for(anonymous).get(url).status_code == 403


def test_rules_are_read_by_all_staff_and_changed_by_the_office_only(
    api_client_for, world, staff_a, dept_admin_a, office_admin
):
    assert len(api_client_for(staff_a).get("/api/v1/deadlines/rules/").json()) == 4
    payload = {"working_days": 25, "due_soon_working_days": 4}
    url = "/api/v1/deadlines/rules/result_entry/"
    assert api_client_for(dept_admin_a).post(url, payload, format="json").status_code == 403
    response = api_client_for(office_admin).post(url, payload, format="json")
    assert response.status_code == 200 and response.json()["working_days"] == 25
    assert (
        api_client_for(office_admin)
        .post("/api/v1/deadlines/rules/nap/", payload, format="json")
        .status_code
        == 404
    )
    bad = api_client_for(office_admin).post(url, {"working_days": 0}, format="json")
    assert bad.status_code == 400


def test_pages(client_for, world, staff_a, staff_b, office_admin, anonymous):
    page = client_for(staff_a).get("/deadlines/").content.decode()
    assert "甲部门检查结果" in page and "乙部门检查结果" not in page
    assert 'data-testid="count-overdue">1<' in page
    office_page = client_for(office_admin).get("/deadlines/?department=DEPB").content.decode()
    assert "乙部门检查结果" in office_page and "甲部门检查结果" not in office_page
    # A department cannot widen its view with the office's filter.
    assert (
        "乙部门检查结果"
        not in client_for(staff_a).get("/deadlines/?department=DEPB").content.decode()
    )
    assert client_for(anonymous).get("/deadlines/").status_code == 302
    assert client_for(staff_a).get("/deadlines/rules/").status_code == 404
    assert client_for(office_admin).get("/deadlines/rules/").status_code == 200
    response = client_for(office_admin).post(
        "/deadlines/rules/",
        {
            "kind": "rectification",
            "rectification-working_days": "10",
            "rectification-due_soon_working_days": "2",
            "rectification-remind_every_working_days": "0",
        },
    )
    assert response.status_code == 302
    from publication.models import DeadlineRule

    rule = DeadlineRule.objects.get(kind="rectification")
    assert (rule.working_days, rule.escalate_overdue, rule.updated_by) == (10, False, office_admin)
