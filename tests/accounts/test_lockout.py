"""Login lock-out (accounts.logins): atomic, per (account, address) and per address, time-bounded,
the same for names that exist and names that do not; failures aggregated in the audit trail."""

import base64
import threading

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from accounts import logins, services
from accounts.models import AuditEvent, User

WRONG = "wrong-password-1"


def _fail(client, username, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": WRONG}, REMOTE_ADDR=address)


def _errors(response):
    return [str(error) for error in response.context["form"].non_field_errors()]


def test_account_locks_after_repeated_failures_even_with_right_password(client, staff_a, password):
    # given
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
    # when
    response = client.post(
        "/login/", {"username": "staff_a", "password": password}, REMOTE_ADDR="10.0.0.1"
    )
    # then
    assert "已暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action="auth.locked")
    assert locked.count() == 1
    assert locked.get().details["username"] == "staff_a"


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(client, staff_a, password):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT * 2):
        _fail(client, "staff_a", address="203.0.113.9")
    response = client.post(
        "/login/", {"username": "staff_a", "password": password}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_a.pk)


def test_lock_out_does_not_tell_whether_the_account_exists(client, staff_a):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
        _fail(client, "nobody_here")
    assert _errors(_fail(client, "staff_a")) == _errors(_fail(client, "nobody_here"))
    assert "已暂时锁定" in _errors(_fail(client, "nobody_here"))[0]


def test_wrong_password_and_unknown_name_read_the_same(client, staff_a):
    assert _errors(_fail(client, "staff_a")) == _errors(_fail(client, "nobody_here"))


def test_every_lock_ends_with_its_window(client, staff_a):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT + 1):
        _fail(client, "staff_a")
    for key in (logins._pair_key("staff_a", "10.0.0.1"), logins._address_key("10.0.0.1")):
        assert 0 < logins._expires_in(key) <= settings.LOGIN_LOCKOUT_MINUTES * 60


def test_success_resets_the_failure_count(client, staff_a, password):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client, "staff_a")
    client.post("/login/", {"username": "staff_a", "password": password}, REMOTE_ADDR="10.0.0.1")
    client.logout()
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client, "staff_a")
    response = client.post(
        "/login/", {"username": "staff_a", "password": password}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=4)
def test_one_address_spraying_many_names_is_locked(client, staff_a, password):
    for index in range(4):
        _fail(client, f"guess_{index}")
    response = client.post(
        "/login/", {"username": "staff_a", "password": password}, REMOTE_ADDR="10.0.0.1"
    )
    assert "已暂时锁定" in response.content.decode()
    assert AuditEvent.objects.get(action="auth.locked").details["scope"] == ["address"]


def test_failures_below_the_limit_write_no_audit_rows(client, staff_a):
    before = AuditEvent.objects.count()
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _fail(client, "staff_a")
        _fail(client, "no_such_account")
    assert AuditEvent.objects.count() == before


def test_admin_password_reset_lifts_the_lock(client, office_admin, staff_a):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a")
    _account, temporary = services.account_reset_password(account=staff_a, reset_by=office_admin)
    response = client.post(
        "/login/", {"username": "staff_a", "password": temporary}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302


def _basic(username, password):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_api_basic_auth_respects_the_lock(client, staff_a, password):
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        _fail(client, "staff_a", address="127.0.0.1")
    response = client.get("/api/v1/accounts/me/", **_basic("staff_a", password))
    assert response.status_code in (401, 403)


def test_basic_auth_calls_write_no_login_event_each(client, staff_a, password):
    for _request in range(5):
        assert client.get("/api/v1/accounts/me/", **_basic("staff_a", password)).status_code == 200
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_a_page_login_writes_one_login_event(client, staff_a, password):
    client.post("/login/", {"username": "staff_a", "password": password})
    assert AuditEvent.objects.filter(action="auth.login", target_id=str(staff_a.pk)).count() == 1


@pytest.mark.usefixtures("transactional_db")
@override_settings(LOGIN_ADDRESS_FAILURE_LIMIT=1000)  # only the (account, address) limit applies
def test_parallel_attempts_cannot_slip_past_the_limit(staff_a, monkeypatch):
    """Forty simultaneous guesses (real PostgreSQL, real Redis, one connection per thread): exactly
    LOGIN_FAILURE_LIMIT passwords are checked, however the threads interleave."""
    checked = []
    original = User.check_password

    def counting_check(self, raw_password):
        checked.append(raw_password)
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting_check)
    request = RequestFactory().post("/login/", REMOTE_ADDR="198.51.100.7")
    barrier = threading.Barrier(40)
    results = []

    def guess(index):
        from django.db import connection

        barrier.wait()
        try:
            results.append(authenticate(request, username="staff_a", password=f"guess-{index}"))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(index,)) for index in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [None] * 40
    assert len(checked) == settings.LOGIN_FAILURE_LIMIT
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1
