import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_perms

from accounts import services
from accounts.choices import FreezeReason, Role
from accounts.models import AuditEvent, User


def _last_action():
    return AuditEvent.objects.order_by("-seq").values_list("action", flat=True).first()


def test_office_admin_creates_department_with_audit_event(office_admin):
    department = services.department_create(
        created_by=office_admin, code="ecb", name="临江市教育局"
    )
    assert department.code == "ECB"
    assert _last_action() == "department.create"


def test_department_admin_cannot_create_department(dept_admin_a):
    with pytest.raises(PermissionDenied):
        services.department_create(created_by=dept_admin_a, code="XYZ", name="某局")


def test_department_code_must_be_upper_case_letters_and_digits(office_admin):
    with pytest.raises(ValidationError):
        services.department_create(created_by=office_admin, code="a-b", name="坏代码局")


def test_office_admin_appoints_department_admin_with_object_permission(office_admin, department_a):
    account, password = services.account_create(
        created_by=office_admin,
        department=department_a,
        username="new_admin",
        full_name="钱七",
        roles=[Role.DEPARTMENT_ADMIN],
    )
    assert "manage_accounts" in get_perms(account, department_a)
    assert account.must_change_password
    assert account.check_password(password)


def test_department_admin_creates_staff_in_own_department(dept_admin_a, department_a):
    account, _password = services.account_create(
        created_by=dept_admin_a,
        department=department_a,
        username="clerk",
        full_name="孙八",
        roles=[Role.STAFF],
    )
    assert account.department == department_a
    assert _last_action() == "account.create"


def test_department_admin_cannot_create_in_other_department(dept_admin_a, department_b):
    with pytest.raises(PermissionDenied):
        services.account_create(
            created_by=dept_admin_a,
            department=department_b,
            username="spy",
            full_name="某人",
            roles=[Role.STAFF],
        )


def test_department_admin_cannot_appoint_another_department_admin(dept_admin_a, department_a):
    with pytest.raises(PermissionDenied):
        services.account_create(
            created_by=dept_admin_a,
            department=department_a,
            username="admin2",
            full_name="某人",
            roles=[Role.DEPARTMENT_ADMIN],
        )


def test_office_admin_role_only_in_the_office(office_admin, department_a):
    with pytest.raises(ValidationError):
        services.account_create(
            created_by=office_admin,
            department=department_a,
            username="x",
            full_name="某人",
            roles=[Role.OFFICE_ADMIN],
        )


def test_weak_password_is_rejected(dept_admin_a, department_a):
    with pytest.raises(ValidationError):
        services.account_create(
            created_by=dept_admin_a,
            department=department_a,
            username="weak",
            full_name="某人",
            roles=[Role.STAFF],
            password="abcdefghij",
        )


def test_frozen_account_cannot_log_in(client, dept_admin_a, staff_a, password):
    services.account_freeze(account=staff_a, frozen_by=dept_admin_a, reason=FreezeReason.LEFT)
    assert not client.login(username="staff_a", password=password)
    response = client.post("/login/", {"username": "staff_a", "password": password})
    assert "该账户已冻结" in response.content.decode()


def test_unfreeze_restores_login(client, dept_admin_a, staff_a, password):
    services.account_freeze(account=staff_a, frozen_by=dept_admin_a, reason=FreezeReason.SECURITY)
    services.account_unfreeze(account=staff_a, unfrozen_by=dept_admin_a)
    assert client.login(username="staff_a", password=password)


def test_cannot_freeze_oneself(dept_admin_a):
    with pytest.raises(ValidationError):
        services.account_freeze(
            account=dept_admin_a, frozen_by=dept_admin_a, reason=FreezeReason.OTHER
        )


def test_freezing_a_department_admin_withdraws_the_object_permission(
    office_admin, department_a, dept_admin_a
):
    services.account_freeze(account=dept_admin_a, frozen_by=office_admin, reason=FreezeReason.LEFT)
    assert "manage_accounts" not in get_perms(User.objects.get(pk=dept_admin_a.pk), department_a)


def test_lost_account_is_frozen_and_reissued(dept_admin_a, staff_a):
    # when
    new_account, password = services.account_reissue(
        account=staff_a, reissued_by=dept_admin_a, note="手机遗失"
    )
    # then
    staff_a.refresh_from_db()
    assert not staff_a.is_active
    assert new_account.reissued_from == staff_a
    assert new_account.username == "staff_a~2"
    assert new_account.roles == staff_a.roles
    assert new_account.must_change_password and new_account.check_password(password)
    actions = list(AuditEvent.objects.order_by("-seq").values_list("action", flat=True)[:2])
    assert actions == ["account.reissue", "account.freeze"]


def test_reissued_account_cannot_be_reissued_or_unfrozen_again(dept_admin_a, staff_a):
    services.account_reissue(account=staff_a, reissued_by=dept_admin_a)
    staff_a.refresh_from_db()
    with pytest.raises(ValidationError):
        services.account_reissue(account=staff_a, reissued_by=dept_admin_a)
    with pytest.raises(ValidationError):
        services.account_unfreeze(account=staff_a, unfrozen_by=dept_admin_a)


def test_one_time_password_must_be_changed_before_anything_else(client, dept_admin_a, department_a):
    account, password = services.account_create(
        created_by=dept_admin_a,
        department=department_a,
        username="newbie",
        full_name="新人",
        roles=[Role.STAFF],
    )
    assert client.login(username="newbie", password=password)
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"] == "/password/"
    response = client.post(
        "/password/",
        {
            "old_password": password,
            "new_password1": "Brand-new-2026",
            "new_password2": "Brand-new-2026",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.must_change_password
    assert client.get("/workspace/").status_code == 200


def test_reset_password_by_other_department_admin_is_refused(dept_admin_b, staff_a):
    with pytest.raises(PermissionDenied):
        services.account_reset_password(account=staff_a, reset_by=dept_admin_b)
