"""Admins act only on accounts below them (issue 11, "account takeover inside a department").

Ranks: the operator (superuser) > office admins > department admins > every other account. An admin
acts on an account strictly below them, in their scope (a department admin: their own department);
never on a peer, never on themself. Reproduced first: a department admin reset and froze a second
department admin of the same department.
"""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services
from accounts.choices import FreezeReason, Role
from accounts.models import User
from tests.accounts.factories import UserFactory

ACTIONS = {
    "freeze": lambda actor, account: services.account_freeze(
        account=account, frozen_by=actor, reason=FreezeReason.OTHER
    ),
    "reset_password": lambda actor, account: services.account_reset_password(
        account=account, reset_by=actor
    ),
    "reissue": lambda actor, account: services.account_reissue(account=account, reissued_by=actor),
    "set_roles": lambda actor, account: services.account_set_roles(
        account=account, changed_by=actor, roles=[Role.STAFF]
    ),
}


@pytest.fixture
def second_admin_a(department_a):
    return UserFactory(username="admin_a2", department=department_a, roles=[Role.DEPARTMENT_ADMIN])


@pytest.fixture
def second_office_admin(office):
    return UserFactory(username="office_admin2", department=office, roles=[Role.OFFICE_ADMIN])


@pytest.fixture
def office_department_admin(office):
    return UserFactory(
        username="office_dept_admin", department=office, roles=[Role.DEPARTMENT_ADMIN]
    )


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_department_admin_cannot_act_on_another_department_admin(
    action, dept_admin_a, second_admin_a
):
    password_before = User.objects.get(pk=second_admin_a.pk).password
    with pytest.raises(PermissionDenied):
        ACTIONS[action](dept_admin_a, second_admin_a)
    after = User.objects.get(pk=second_admin_a.pk)
    assert after.is_active and after.password == password_before
    assert after.roles == [Role.DEPARTMENT_ADMIN]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_office_department_admin_cannot_act_on_office_admins(
    action, office_department_admin, office_admin
):
    with pytest.raises(PermissionDenied):
        ACTIONS[action](office_department_admin, office_admin)
    assert User.objects.get(pk=office_admin.pk).is_active


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_office_admin_cannot_act_on_another_office_admin(action, office_admin, second_office_admin):
    with pytest.raises(PermissionDenied):
        ACTIONS[action](office_admin, second_office_admin)


@pytest.mark.parametrize("action", ["freeze", "reset_password", "reissue"])
def test_office_admin_acts_on_department_admins(action, office_admin, dept_admin_a):
    ACTIONS[action](office_admin, dept_admin_a)


@pytest.mark.parametrize("action", ["freeze", "reset_password", "reissue", "set_roles"])
def test_department_admin_acts_on_the_accounts_below_them(action, dept_admin_a, liaison_a):
    ACTIONS[action](dept_admin_a, liaison_a)


def test_the_operator_acts_on_office_admins(office_admin):
    operator = User.objects.create_superuser("operator", "op@example.cn", "Op-pass-2026x")
    services.account_freeze(account=office_admin, frozen_by=operator, reason=FreezeReason.LEFT)
    assert not User.objects.get(pk=office_admin.pk).is_active


def test_frozen_department_admin_is_not_unfrozen_by_a_peer(
    office_admin, dept_admin_a, second_admin_a
):
    services.account_freeze(
        account=second_admin_a, frozen_by=office_admin, reason=FreezeReason.LEFT
    )
    with pytest.raises(PermissionDenied):
        services.account_unfreeze(account=second_admin_a, unfrozen_by=dept_admin_a)


def test_office_admin_cannot_appoint_office_admins(office_admin, office):
    with pytest.raises(PermissionDenied):
        services.account_create(
            created_by=office_admin,
            department=office,
            username="office_admin3",
            full_name="某人",
            roles=[Role.OFFICE_ADMIN],
        )


@pytest.mark.parametrize("path", ["freeze/", "reissue/", "reset-password/"])
def test_peer_admin_pages_refuse_and_change_nothing(client_for, dept_admin_a, second_admin_a, path):
    before = User.objects.get(pk=second_admin_a.pk)
    response = client_for(dept_admin_a).post(
        f"/accounts/{second_admin_a.pk}/{path}", {"reason": "other", "note": ""}
    )
    assert response.status_code == 404
    after = User.objects.get(pk=second_admin_a.pk)
    assert (after.is_active, after.password) == (before.is_active, before.password)
    assert not User.objects.filter(reissued_from=second_admin_a).exists()


def test_peer_admin_detail_page_shows_no_actions(client_for, dept_admin_a, second_admin_a):
    response = client_for(dept_admin_a).get(f"/accounts/{second_admin_a.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/accounts/{second_admin_a.pk}/freeze/" not in body
    assert f"/accounts/{second_admin_a.pk}/reset-password/" not in body


@pytest.mark.parametrize("path", ["freeze/", "reissue/", "unfreeze/"])
def test_peer_admin_api_refuses(api_client_for, dept_admin_a, second_admin_a, path):
    response = api_client_for(dept_admin_a).post(
        f"/api/v1/accounts/accounts/{second_admin_a.pk}/{path}", {"reason": "other"}, format="json"
    )
    assert response.status_code == 404
    assert User.objects.get(pk=second_admin_a.pk).is_active
