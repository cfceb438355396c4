from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.services import login_record_failure, login_record_success


class LockoutModelBackend(ModelBackend):
    """Username/password login that refuses locked-out accounts and counts failures."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        account = User.objects.filter(username=username).first()
        if account is not None and account.is_locked_out():
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_record_failure(username=username)
            return None
        login_record_success(account=user)
        return user
