"""The permission matrix for every account operation, in the pages and the API.

Office admins manage every department; a department admin manages only their own; staff and other
departments get the same 404 as for a missing object; anonymous users are sent to the login page
(pages) or refused (API).
"""

import pytest

ALLOWED, HIDDEN, LOGIN = "allowed", "hidden", "login"

ACTORS = ["office_admin", "dept_admin_a", "dept_admin_b", "staff_a", "anonymous"]

# operation -> expected outcome per actor
MATRIX = {
    "department_detail": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "account_create_form": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "account_detail": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "account_freeze": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "account_reissue": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "account_reset_password": dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "department_create_form": dict(office_admin=ALLOWED, dept_admin_a=HIDDEN, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "audit_list": dict(office_admin=ALLOWED, dept_admin_a=HIDDEN, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
    "status": dict(office_admin=ALLOWED, dept_admin_a=HIDDEN, dept_admin_b=HIDDEN, staff_a=HIDDEN, anonymous=LOGIN),
}  # fmt: skip


@pytest.fixture
def target_account(department_a):
    from tests.accounts.factories import UserFactory

    return UserFactory(username="target_a", department=department_a)


def _request(client, operation, department_a, target_account):
    routes = {
        "department_detail": ("get", f"/departments/{department_a.pk}/", None),
        "account_create_form": ("get", f"/departments/{department_a.pk}/accounts/new/", None),
        "account_detail": ("get", f"/accounts/{target_account.pk}/", None),
        "account_freeze": ("post", f"/accounts/{target_account.pk}/freeze/", {"reason": "left"}),
        "account_reissue": ("post", f"/accounts/{target_account.pk}/reissue/", {"note": ""}),
        "account_reset_password": ("post", f"/accounts/{target_account.pk}/reset-password/", None),
        "department_create_form": ("get", "/departments/new/", None),
        "audit_list": ("get", "/audit/", None),
        "status": ("get", "/status/", None),
    }
    method, url, data = routes[operation]
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("operation", sorted(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_account_pages_permission_matrix(
    request,
    client_for,
    operation,
    actor,
    department_a,
    target_account,
    dept_admin_a,
    dept_admin_b,
    office_admin,
    staff_a,
):
    # given
    user = request.getfixturevalue(actor)
    client = client_for(user)
    target_account.refresh_from_db()
    # when
    response = _request(client, operation, department_a, target_account)
    # then
    expected = MATRIX[operation][actor]
    if expected == ALLOWED:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif expected == HIDDEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_missing_and_forbidden_accounts_look_the_same(client_for, dept_admin_b, target_account):
    client = client_for(dept_admin_b)
    forbidden = client.get(f"/accounts/{target_account.pk}/")
    missing = client.get("/accounts/999999/")
    assert forbidden.status_code == missing.status_code == 404


def test_department_admin_freeze_of_other_department_changes_nothing(
    client_for, dept_admin_b, target_account
):
    client_for(dept_admin_b).post(f"/accounts/{target_account.pk}/freeze/", {"reason": "left"})
    target_account.refresh_from_db()
    assert target_account.is_active


API = {
    "list_accounts": ("get", "/api/v1/accounts/departments/{dept}/accounts/", None),
    "create_account": ("post", "/api/v1/accounts/departments/{dept}/accounts/create/", {"username": "new_one", "full_name": "新人", "roles": ["staff"]}),
    "freeze": ("post", "/api/v1/accounts/accounts/{account}/freeze/", {"reason": "left"}),
    "unfreeze": ("post", "/api/v1/accounts/accounts/{account}/unfreeze/", {}),
    "reissue": ("post", "/api/v1/accounts/accounts/{account}/reissue/", {}),
    "create_department": ("post", "/api/v1/accounts/departments/create/", {"code": "NEWD", "name": "新部门"}),
    "audit_events": ("get", "/api/v1/accounts/audit/events/", None),
}  # fmt: skip

API_MATRIX = {
    "list_accounts": dict(office_admin=200, dept_admin_a=200, dept_admin_b=404, staff_a=403, anonymous=403),
    "create_account": dict(office_admin=201, dept_admin_a=201, dept_admin_b=404, staff_a=403, anonymous=403),
    "freeze": dict(office_admin=200, dept_admin_a=200, dept_admin_b=404, staff_a=403, anonymous=403),
    "unfreeze": dict(office_admin=400, dept_admin_a=400, dept_admin_b=404, staff_a=403, anonymous=403),
    "reissue": dict(office_admin=201, dept_admin_a=201, dept_admin_b=404, staff_a=403, anonymous=403),
    "create_department": dict(office_admin=201, dept_admin_a=403, dept_admin_b=403, staff_a=403, anonymous=403),
    "audit_events": dict(office_admin=200, dept_admin_a=403, dept_admin_b=403, staff_a=403, anonymous=403),
}  # fmt: skip


@pytest.mark.parametrize("operation", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_account_api_permission_matrix(
    request,
    api_client_for,
    operation,
    actor,
    department_a,
    target_account,
    dept_admin_a,
    dept_admin_b,
    office_admin,
    staff_a,
):
    user = request.getfixturevalue(actor)
    method, url, data = API[operation]
    url = url.format(dept=department_a.pk, account=target_account.pk)
    response = getattr(api_client_for(user), method)(url, data, format="json")
    assert response.status_code == API_MATRIX[operation][actor], response.content


def test_audit_head_is_public(api_client_for, office_admin):
    response = api_client_for(None).get("/api/v1/accounts/audit/head/")
    assert response.status_code == 200
    assert len(response.json()["hash"]) == 64
