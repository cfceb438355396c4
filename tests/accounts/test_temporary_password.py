"""A one-time password opens nothing but the password change, in the browser and the API alike
(issue 11). Reproduced first: a reset department admin's temporary password created a witness
account over HTTP Basic while must_change_password was still true."""

import base64

import pytest

from accounts import services
from accounts.models import User


def _basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def reset_admin(office_admin, dept_admin_a):
    account, temporary = services.account_reset_password(
        account=dept_admin_a, reset_by=office_admin
    )
    return account, temporary


def test_temporary_password_cannot_create_accounts_over_basic_auth(
    client, reset_admin, department_a
):
    account, temporary = reset_admin
    response = client.post(
        f"/api/v1/accounts/departments/{department_a.pk}/accounts/create/",
        {"username": "planted_witness", "full_name": "某人", "roles": ["witness"]},
        content_type="application/json",
        **_basic(account.username, temporary),
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not User.objects.filter(username="planted_witness").exists()


@pytest.mark.parametrize(
    "path", ["/api/v1/accounts/me/", "/api/v1/catalog/matters/", "/api/v1/tasks/"]
)
def test_temporary_password_reads_nothing_over_the_api(client, reset_admin, path):
    account, temporary = reset_admin
    assert client.get(path, **_basic(account.username, temporary)).status_code == 403


def test_session_with_temporary_password_reads_nothing_over_the_api(client, reset_admin):
    account, temporary = reset_admin
    assert client.login(username=account.username, password=temporary)
    assert client.get("/api/v1/accounts/me/").status_code == 403


def test_temporary_password_pages_lead_only_to_the_password_change(client, reset_admin):
    account, temporary = reset_admin
    assert client.login(username=account.username, password=temporary)
    response = client.get(f"/departments/{account.department_id}/")
    assert response.status_code == 302 and response["Location"] == "/password/"


def test_password_change_over_the_api_then_everything_opens(client, reset_admin):
    account, temporary = reset_admin
    new_password = "Fresh-pass-2026!"
    response = client.post(
        "/api/v1/accounts/password/",
        {"old_password": temporary, "new_password": new_password},
        content_type="application/json",
        **_basic(account.username, temporary),
    )
    assert response.status_code == 204
    assert not User.objects.get(pk=account.pk).must_change_password
    me = client.get("/api/v1/accounts/me/", **_basic(account.username, new_password))
    assert me.status_code == 200 and me.json()["username"] == account.username


def test_password_change_api_checks_the_old_password(client, reset_admin):
    account, temporary = reset_admin
    response = client.post(
        "/api/v1/accounts/password/",
        {"old_password": "wrong-Old-1", "new_password": "Fresh-pass-2026!"},
        content_type="application/json",
        **_basic(account.username, temporary),
    )
    assert response.status_code == 400 and "old_password" in response.json()
    assert User.objects.get(pk=account.pk).must_change_password


@pytest.mark.parametrize("path", ["reset-password/", "reissue/"])
def test_pages_showing_a_one_time_password_are_not_stored(client_for, office_admin, staff_a, path):
    response = client_for(office_admin).post(f"/accounts/{staff_a.pk}/{path}", {"note": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_account_create_page_and_api_are_not_stored(
    client_for, api_client_for, office_admin, department_a
):
    page = client_for(office_admin).post(
        f"/departments/{department_a.pk}/accounts/new/",
        {"username": "fresh_page", "full_name": "某人", "roles": ["staff"]},
    )
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    api = api_client_for(office_admin).post(
        f"/api/v1/accounts/departments/{department_a.pk}/accounts/create/",
        {"username": "fresh_api", "full_name": "某人", "roles": ["staff"]},
        format="json",
    )
    assert api.status_code == 201 and "no-store" in api["Cache-Control"]
