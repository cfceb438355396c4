import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEvent


def _fail(client, username):
    return client.post("/login/", {"username": username, "password": "wrong-password-1"})


def test_account_locks_after_repeated_failures_even_with_right_password(client, staff_a, password):
    # given
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
    # when
    response = client.post("/login/", {"username": "staff_a", "password": password})
    # then
    staff_a.refresh_from_db()
    assert staff_a.locked_until is not None
    assert "账户已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked", target_id=str(staff_a.pk)).exists()


def test_lock_expires_after_the_lockout_period(client, staff_a, password):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
    later = timezone.now() + timezone.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    with time_machine.travel(later):
        assert client.login(username="staff_a", password=password)


def test_success_resets_the_failure_count(client, staff_a, password):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client, "staff_a")
    assert client.login(username="staff_a", password=password)
    client.logout()
    _fail(client, "staff_a")
    staff_a.refresh_from_db()
    assert staff_a.failed_login_count == 1 and staff_a.locked_until is None


def test_api_basic_auth_respects_the_lock(client, staff_a, password):
    import base64

    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
    token = base64.b64encode(f"staff_a:{password}".encode()).decode()
    response = client.get("/api/v1/accounts/me/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code in (401, 403)
