"""No admin page shows a witness value or an unrevealed secret (issue 10); the office edits the
task rules on its own page and through the API, with an audit event, and the yearly limit of
low-risk objects is counted by one selector."""

import pytest
from django.contrib import admin

from accounts.models import AuditEvent
from tasks.models import Draw, TaskPolicy
from tasks.selectors import objects_at_yearly_inspection_limit
from tasks.services import secrets as draw_secrets
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

WITNESS = "见证值-7391-不可提前公开"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, department=None)


@pytest.fixture
def witnessed(joint_task, staff_a, staff_b):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness=WITNESS)
    return draw


def _admin_pages(draw):
    """Every admin page of the tasks app: each changelist, and each object's change page."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "tasks":
            continue
        opts = model._meta
        yield f"/django-admin/{opts.app_label}/{opts.model_name}/"
        for pk in model_admin.get_queryset(None).values_list("pk", flat=True)[:50]:
            yield f"/django-admin/{opts.app_label}/{opts.model_name}/{pk}/change/"


def test_no_admin_page_shows_a_witness_value_or_the_secret_before_the_reveal(
    witnessed, superuser, client_for
):
    secret = draw_secrets.unseal(witnessed.sealed_secret, f"{witnessed.task.code}|1").hex()
    client = client_for(superuser)
    pages = list(_admin_pages(witnessed))
    assert any("/drawlogentry/" in page for page in pages)
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        assert WITNESS not in text, page
        assert secret not in text, page


def test_after_the_reveal_the_admin_shows_the_witness_entries(
    witnessed, superuser, client_for, staff_a, run_on_commit
):
    run_on_commit(draw_reveal, draw=witnessed, revealed_by=staff_a)
    entry = witnessed.log_entries.get(type="witness")
    page = client_for(superuser).get(f"/django-admin/tasks/drawlogentry/{entry.pk}/change/")
    assert WITNESS in page.content.decode()


def test_the_office_edits_the_task_rules_with_an_audit_event(office_admin, client_for):
    client = client_for(office_admin)
    assert client.get("/tasks/policy/").status_code == 200
    response = client.post(
        "/tasks/policy/",
        {
            "escalate_after_working_days": 3,
            "remind_every_working_days": 1,
            "low_risk_yearly_limit": 1,
            "clean_result_months": "",
            "reveal_delay_minutes": 30,
        },
    )
    assert response.status_code == 302
    policy = TaskPolicy.current()
    assert (policy.low_risk_yearly_limit, policy.reveal_delay_minutes) == (1, 30)
    event = AuditEvent.objects.get(action="task_policy.update")
    assert event.details["changes"]["low_risk_yearly_limit"] == {"before": 2, "after": 1}
    assert event.actor == office_admin


def test_the_task_rules_api(office_admin, staff_a, api_client_for):
    assert api_client_for(staff_a).get("/api/v1/tasks/policy/").status_code == 404
    assert (
        api_client_for(staff_a)
        .patch("/api/v1/tasks/policy/", {"low_risk_yearly_limit": 5}, format="json")
        .status_code
        == 404
    )
    client = api_client_for(office_admin)
    assert client.get("/api/v1/tasks/policy/").json()["low_risk_yearly_limit"] == 2
    response = client.patch("/api/v1/tasks/policy/", {"low_risk_yearly_limit": 0}, format="json")
    assert response.status_code == 400
    response = client.patch("/api/v1/tasks/policy/", {"reveal_delay_minutes": 60}, format="json")
    assert response.status_code == 200 and response.json()["reveal_delay_minutes"] == 60
    assert AuditEvent.objects.filter(action="task_policy.update").count() == 1


def test_only_the_office_sees_the_rules_page(staff_a, client_for):
    assert client_for(staff_a).get("/tasks/policy/").status_code == 404


def test_the_yearly_limit_counts_standing_draws_of_the_tasks_year(
    witnessed, staff_a, office_admin, run_on_commit
):
    from tasks.services.draws import draw_void_decide, draw_void_request

    run_on_commit(draw_reveal, draw=witnessed, revealed_by=staff_a)
    witnessed.refresh_from_db()
    year = witnessed.task.start_date.year
    drawn_ids = set(witnessed.drawn_objects.values_list("inspection_object_id", flat=True))
    assert set(objects_at_yearly_inspection_limit(year=year, limit=1)) == drawn_ids
    assert not set(objects_at_yearly_inspection_limit(year=year, limit=2))
    assert not set(objects_at_yearly_inspection_limit(year=year + 1, limit=1))
    # a voided draw inspects nobody
    draw_void_request(draw=witnessed, requested_by=staff_a, reason="错误")
    draw_void_decide(draw=witnessed, decided_by=office_admin, approve=True)
    assert not set(objects_at_yearly_inspection_limit(year=year, limit=1))
    assert Draw.objects.get(pk=witnessed.pk).state == "voided"
