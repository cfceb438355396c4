from django.contrib.auth.backends import ModelBackend

from accounts.logins import (
    LoginRefusal,
    client_address,
    login_attempt_begin,
    login_attempt_failed,
    login_attempt_succeeded,
)


class LockoutModelBackend(ModelBackend):
    """Username/password login (pages and HTTP Basic alike) behind the atomic lock-out of
    accounts.logins: the password is checked only when an attempt could be reserved. It writes no
    audit event per success (Basic auth authenticates every API request): the session login is
    audited once, by the user_logged_in signal (accounts.apps)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        attempt = login_attempt_begin(username=username, address=client_address(request))
        if isinstance(attempt, LoginRefusal):
            if request is not None:
                request.login_refusal = attempt
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_attempt_failed(attempt)
            return None
        login_attempt_succeeded(attempt)
        return user
