"""Reads of deadlines, narrowed to the acting user: a department sees its own deadlines, the
office sees every department's."""

from __future__ import annotations

from django.db.models import Count, Model, Q, QuerySet

from accounts.models import Department
from accounts.types import RequestUser
from publication.models import Deadline, DeadlineState


def _visible(user: RequestUser) -> QuerySet[Deadline]:
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    if user.is_office_admin:
        return Deadline.objects.all()
    if user.department_id is None:
        return Deadline.objects.none()
    return Deadline.objects.filter(department_id=user.department_id)


def deadline_list_visible_to(
    user: RequestUser,
    *,
    department: Department | None = None,
    state: str = "",
    kind: str = "",
    overdue: bool = False,
    open_only: bool = False,
) -> QuerySet[Deadline]:
    """The deadlines the user may see, filtered; overdue first-due first."""
    deadlines = _visible(user).select_related("department", "subject_type")
    if department is not None:
        deadlines = deadlines.filter(department=department)
    if state:
        deadlines = deadlines.filter(state=state)
    if kind:
        deadlines = deadlines.filter(kind=kind)
    if overdue:
        deadlines = deadlines.filter(state=DeadlineState.OVERDUE)
    if open_only:
        deadlines = deadlines.filter(is_open=True)
    return deadlines.order_by("due_date", "pk")


def deadline_counts_visible_to(
    user: RequestUser, *, department: Department | None = None
) -> dict[str, int]:
    """Yellow and red card counts for a dashboard or the list's header."""
    deadlines = _visible(user)
    if department is not None:
        deadlines = deadlines.filter(department=department)
    return deadlines.aggregate(
        open=Count("pk", filter=Q(is_open=True)),
        due_soon=Count("pk", filter=Q(state=DeadlineState.DUE_SOON)),
        overdue=Count("pk", filter=Q(state=DeadlineState.OVERDUE)),
    )


def deadline_for_subject(kind: str, subject: Model) -> Deadline | None:
    """The latest deadline of `kind` on `subject` (open or closed), for the subject's page."""
    from django.contrib.contenttypes.models import ContentType

    subject_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return (
        Deadline.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject.pk)
        .order_by("-opened_at", "-pk")
        .first()
    )
