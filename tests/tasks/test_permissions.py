"""Permission matrix over every task page and endpoint: lead department manages, participants see
and review, the office sees all and approves, outsiders get 404, anonymous users the login page
(pages) or 401/403 (API); public pages are open and never show the secret before the reveal."""

import pytest

from accounts.choices import Role
from tasks.services.draws import task_push_to_review
from tests.accounts.factories import DepartmentFactory, UserFactory

ALLOWED, HIDDEN, LOGIN, DENIED = "allowed", "hidden", "login", "denied"
ACTORS = ["office_admin", "staff_a", "staff_b", "outsider", "anonymous"]

PAGE_MATRIX = {
    "task_list": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=LOGIN),
    "task_detail": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "task_edit": dict(office_admin=HIDDEN, staff_a=ALLOWED, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "task_create": dict(office_admin=HIDDEN, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=LOGIN),
    "task_push": dict(office_admin=HIDDEN, staff_a=ALLOWED, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "task_approve": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "draw_detail": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "draw_pdf": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "draw_reveal": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "review_confirm": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "public_task": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "verify": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "task_witness_grant": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "policy": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "draw_withdraw_request": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "draw_withdraw_decide": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=LOGIN),
    "public_announcement": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "verify_result": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
}  # fmt: skip

API_MATRIX = {
    "api_task_list": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=DENIED),
    "api_task_detail": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=DENIED),
    "api_task_draws": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=DENIED),
    "api_task_push": dict(office_admin=HIDDEN, staff_a=DENIED, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_task_approve": dict(office_admin=DENIED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_draw_detail": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=DENIED),
    "api_draw_reveal": dict(office_admin=DENIED, staff_a=DENIED, staff_b=DENIED, outsider=HIDDEN, anonymous=DENIED),
    "api_review_confirm": dict(office_admin=DENIED, staff_a=DENIED, staff_b=ALLOWED, outsider=HIDDEN, anonymous=DENIED),
    "api_draw_bundle": dict(office_admin=HIDDEN, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_public_task": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "api_verify": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "api_policy": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_draws_stuck": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_task_witness_grant": dict(office_admin=ALLOWED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_draw_withdraw_request": dict(office_admin=DENIED, staff_a=ALLOWED, staff_b=DENIED, outsider=HIDDEN, anonymous=DENIED),
    "api_draw_withdraw_decide": dict(office_admin=DENIED, staff_a=HIDDEN, staff_b=HIDDEN, outsider=HIDDEN, anonymous=DENIED),
    "api_public_announcement": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
    "api_verify_result": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, outsider=ALLOWED, anonymous=ALLOWED),
}  # fmt: skip


@pytest.fixture
def outsider(db):
    department = DepartmentFactory(code="DEPC", name="丙部门")
    return UserFactory(username="staff_c", department=department, roles=[Role.STAFF])


@pytest.fixture
def announced(joint_task, staff_a):
    return task_push_to_review(task=joint_task, pushed_by=staff_a)


def _verification_token() -> str:
    from tasks.verification import verification_request_create

    return str(verification_request_create(text="{}").token)


def _page(client, operation, draw):
    task, review = draw.task, draw.reviews.get()
    routes = {
        "task_list": ("get", "/tasks/", None),
        "task_detail": ("get", f"/tasks/{task.pk}/", None),
        "task_edit": ("get", f"/tasks/{task.pk}/edit/", None),
        "task_create": ("get", "/tasks/new/", None),
        "task_push": ("post", f"/tasks/{task.pk}/push/", {}),
        "task_approve": ("post", f"/tasks/{task.pk}/approve/", {"approve": "1"}),
        "draw_detail": ("get", f"/tasks/draws/{draw.pk}/", None),
        "draw_pdf": ("get", f"/tasks/draws/{draw.pk}/record.pdf", None),
        "draw_reveal": ("post", f"/tasks/draws/{draw.pk}/reveal/", {}),
        "review_confirm": ("post", f"/tasks/reviews/{review.pk}/confirm/", {"witness": "x"}),
        "public_task": ("get", f"/tasks/public/{task.code}/", None),
        "verify": ("get", "/tasks/verify/", None),
        "task_witness_grant": ("post", f"/tasks/{task.pk}/witness/", {"user": task.created_by_id}),
        "policy": ("get", "/tasks/policy/", None),
        "draw_withdraw_request": ("post", f"/tasks/draws/{draw.pk}/withdraw-request/", {"reason": "x"}),
        "draw_withdraw_decide": ("post", f"/tasks/draws/{draw.pk}/withdraw-decide/", {"approve": "1"}),
        "public_announcement": ("get", f"/tasks/public/{task.code}/draws/{draw.number}/announcement.json", None),
    }  # fmt: skip
    if operation == "verify_result":
        return client.get(f"/tasks/verify/{_verification_token()}/")
    method, url, data = routes[operation]
    return getattr(client, method)(url, data or {})


def _api(client, operation, draw):
    task, review = draw.task, draw.reviews.get()
    base = "/api/v1/tasks"
    routes = {
        "api_task_list": ("get", f"{base}/", None),
        "api_task_detail": ("get", f"{base}/{task.pk}/", None),
        "api_task_draws": ("get", f"{base}/{task.pk}/draws/", None),
        "api_task_push": ("post", f"{base}/{task.pk}/push/", {}),
        "api_task_approve": ("post", f"{base}/{task.pk}/approve/", {"approve": True}),
        "api_draw_detail": ("get", f"{base}/draws/{draw.pk}/", None),
        "api_draw_reveal": ("post", f"{base}/draws/{draw.pk}/reveal/", {}),
        "api_review_confirm": ("post", f"{base}/reviews/{review.pk}/confirm/", {"witness": "x"}),
        "api_draw_bundle": ("get", f"{base}/draws/{draw.pk}/bundle/", None),
        "api_public_task": ("get", f"{base}/public/{task.code}/", None),
        "api_verify": ("post", f"{base}/verify/", {"bundle": {}}),
        "api_policy": ("get", f"{base}/policy/", None),
        "api_draws_stuck": ("get", f"{base}/draws/stuck/", None),
        "api_task_witness_grant": ("post", f"{base}/{task.pk}/witness/", {"user": task.created_by.username}),
        "api_draw_withdraw_request": ("post", f"{base}/draws/{draw.pk}/withdraw-request/", {"reason": "x"}),
        "api_draw_withdraw_decide": ("post", f"{base}/draws/{draw.pk}/withdraw-decide/", {"approve": True}),
        "api_public_announcement": ("get", f"{base}/public/{task.code}/draws/{draw.number}/announcement/", None),
    }  # fmt: skip
    if operation == "api_verify_result":
        return client.get(f"{base}/verify/{_verification_token()}/")
    method, url, data = routes[operation]
    return (
        getattr(client, method)(url, data or {}, format="json")
        if method == "post"
        else client.get(url)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(PAGE_MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_task_pages_permission_matrix(
    request, client_for, announced, operation, actor, office_admin, staff_a, staff_b, outsider
):
    user = request.getfixturevalue(actor)
    response = _page(client_for(user), operation, announced)
    expected = PAGE_MATRIX[operation][actor]
    if expected == ALLOWED:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif expected == HIDDEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", sorted(API_MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_task_api_permission_matrix(
    request, api_client_for, announced, operation, actor, office_admin, staff_a, staff_b, outsider
):
    user = request.getfixturevalue(actor)
    response = _api(api_client_for(user), operation, announced)
    expected = API_MATRIX[operation][actor]
    if expected == ALLOWED:
        assert response.status_code in (200, 201), (
            response.status_code,
            getattr(response, "data", None),
        )
    elif expected == HIDDEN:
        assert response.status_code == 404
    else:
        assert response.status_code in (400, 401, 403), response.status_code


@pytest.mark.django_db
def test_secret_is_never_shown_before_the_reveal(
    client_for, api_client_for, announced, office_admin, staff_a
):
    from tasks.services import secrets as draw_secrets

    secret = draw_secrets.unseal(
        announced.sealed_secret, f"{announced.task.code}|{announced.number}"
    ).hex()
    pages = [
        client_for(staff_a).get(f"/tasks/draws/{announced.pk}/").content.decode(),
        client_for(office_admin).get(f"/tasks/{announced.task.pk}/").content.decode(),
        client_for(None).get(f"/tasks/public/{announced.task.code}/").content.decode(),
        api_client_for(office_admin).get(f"/api/v1/tasks/draws/{announced.pk}/").content.decode(),
        api_client_for(None).get(f"/api/v1/tasks/public/{announced.task.code}/").content.decode(),
    ]
    for page in pages:
        assert secret not in page


@pytest.fixture
def auditor(office):
    return UserFactory(username="auditor", department=office, roles=[Role.AUDITOR])


@pytest.fixture
def frozen_staff_a(department_a):
    return UserFactory(
        username="frozen_a", department=department_a, roles=[Role.STAFF], is_active=False
    )


@pytest.mark.django_db
def test_witness_auditor_and_frozen_accounts(
    client_for, api_client_for, announced, witness_a, auditor, frozen_staff_a, staff_b
):
    """A witness of the lead department reads the task but runs nothing; an auditor reads every
    task and gets the full bundle, changes nothing; a frozen account is signed out everywhere."""
    task, review = announced.task, announced.reviews.get()
    # the witness (not named: a joint task has no second witness)
    witness = client_for(witness_a)
    assert witness.get(f"/tasks/{task.pk}/").status_code == 200
    assert witness.post(f"/tasks/{task.pk}/push/").status_code == 404
    api = api_client_for(witness_a)
    assert (
        api.post(f"/api/v1/tasks/reviews/{review.pk}/confirm/", {"witness": "1"}).status_code == 403
    )
    assert api.post(f"/api/v1/tasks/draws/{announced.pk}/reveal/").status_code == 403
    # the auditor
    reader = client_for(auditor)
    assert reader.get(f"/tasks/{task.pk}/").status_code == 200
    assert reader.get(f"/tasks/draws/{announced.pk}/").status_code == 200
    assert reader.get("/tasks/policy/").status_code == 404
    assert reader.post(f"/tasks/{task.pk}/approve/", {"approve": "1"}).status_code == 404
    api = api_client_for(auditor)
    assert (
        api.post(f"/api/v1/tasks/draws/{announced.pk}/withdraw/", {"reason": "x"}).status_code
        == 403
    )
    assert (
        api.post(f"/api/v1/tasks/reviews/{review.pk}/confirm/", {"witness": "1"}).status_code == 403
    )
    announced.refresh_from_db()
    assert announced.state == "announced"
    # the frozen account
    frozen = client_for(frozen_staff_a)
    response = frozen.get(f"/tasks/{task.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert api_client_for(frozen_staff_a).get(f"/api/v1/tasks/{task.pk}/").status_code in (
        401,
        403,
        404,
    )
