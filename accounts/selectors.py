from datetime import date

from django.db.models import Count, Q, QuerySet

from accounts.models import AuditEvent, Department, User
from accounts.roles import is_member, is_office_admin
from accounts.types import RequestUser


def department_list_visible_to(user: RequestUser) -> QuerySet[Department]:
    departments = Department.objects.annotate(
        account_count=Count("users", filter=Q(users__is_active=True))
    ).order_by("kind", "code")
    if is_office_admin(user):
        return departments
    if not is_member(user) or user.department_id is None:
        return departments.none()
    return departments.filter(pk=user.department_id)


def account_list_for_department(department: Department) -> QuerySet[User]:
    return (
        User.objects.filter(department=department)
        .select_related("department", "reissued_from")
        .order_by("-is_active", "username")
    )


def audit_event_list(
    *,
    action: str = "",
    actor: str = "",
    target: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.order_by("-seq")
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label=actor)
    if target:
        events = events.filter(Q(target_label__icontains=target) | Q(target_id=target))
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    return events
