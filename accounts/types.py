"""Types shared by every app's signatures."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

RequestUser: TypeAlias = User | AnonymousUser
"""What `request.user` is: a signed-in User, or Django's AnonymousUser for a citizen. Predicates,
selectors and access functions take it; services take the acting `User` (views call them only
after login)."""
