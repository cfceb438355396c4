from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.types import RequestUser
from publication.deadlines.selectors import deadline_list_visible_to
from publication.models import Deadline


def access_deadline_for_user(user: RequestUser, deadline_id: int) -> Deadline:
    """A deadline is visible to its department and to the office; anyone else gets the same 404
    as for a missing one."""
    return get_object_or_404(deadline_list_visible_to(user), pk=deadline_id)
