"""Reads of the inspector registry, already narrowed to what the acting user may see.

Visibility (issue 3): the office admin sees every department's inspectors and recusals; a
department user sees their own department's inspectors; recusals (which name relatives and former
employers) are seen by the department's working roles (admin, liaison, staff), while an inspector
or witness account only sees the declarations about their own inspector record. Experts are read
by every department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent, Department
from accounts.roles import is_member
from accounts.types import RequestUser
from registries.drawable import drawable_condition
from registries.models import Expert, InspectionObject, Inspector, Recusal, RecusalRule
from registries.permissions import can_edit_registry, inspectors_visible_to

EXPIRING_WINDOW_DAYS = 60


@dataclass(frozen=True)
class InspectorFilters:
    department: str = ""
    status: str = ""
    tag: str = ""
    q: str = ""
    expiring: bool = False
    drawable_from: date | None = None
    drawable_until: date | None = None
    grid: str = ""


def inspector_list_visible_to(
    user: RequestUser, filters: InspectorFilters | None = None
) -> QuerySet[Inspector]:
    filters = filters or InspectorFilters()
    inspectors = inspectors_visible_to(user).select_related("department", "user")
    if filters.department:
        inspectors = inspectors.filter(department__code=filters.department)
    if filters.status:
        inspectors = inspectors.filter(status=filters.status)
    if filters.tag:
        inspectors = inspectors.filter(tags__contains=[filters.tag.strip().upper()])
    if filters.grid:
        inspectors = inspectors.filter(grid=filters.grid.strip())
    if filters.q:
        term = filters.q.strip()
        inspectors = inspectors.filter(
            Q(name__icontains=term) | Q(code__iexact=term) | Q(certificate_number__iexact=term)
        )
    if filters.expiring:
        today = timezone.localdate()
        inspectors = inspectors.filter(
            certificate_valid_until__gte=today,
            certificate_valid_until__lte=today + timedelta(days=EXPIRING_WINDOW_DAYS),
        ).exclude(certificate_number="")
    start = filters.drawable_from or filters.drawable_until
    end = filters.drawable_until or filters.drawable_from
    if start is not None and end is not None:  # one date given stands for both
        if end < start:
            start, end = end, start
        inspectors = inspectors.filter(drawable_condition(start, end))
    return inspectors.order_by("code")


def inspector_departments_visible_to(user: RequestUser) -> QuerySet[Department]:
    if not is_member(user) or user.department_id is None:
        return Department.objects.none()
    departments = Department.objects.exclude(kind="office")
    if user.is_office_admin:
        return departments.order_by("code")
    return departments.filter(pk=user.department_id)


def tags_in_use() -> set[str]:
    """Tags already carried by an inspector or an expert (an import may bring new ones)."""
    found: set[str] = set()
    for model in (Inspector, Expert):
        for tags in model.objects.exclude(tags=[]).values_list("tags", flat=True).distinct():
            found.update(tags)
    return found


def inspector_history(inspector: Inspector) -> QuerySet[AuditEvent]:
    """The inspector's trail: creation, status changes, certificate and profile updates."""
    return AuditEvent.objects.filter(
        target_type=Inspector._meta.label_lower, target_id=str(inspector.pk)
    ).order_by("-seq")


def inspector_status_history(inspector: Inspector) -> list[dict[str, Any]]:
    rows = []
    for event in inspector_history(inspector).filter(
        action__in=["inspector.create", "inspector.status"]
    ):
        details = event.details
        rows.append(
            {
                "at": event.occurred_at,
                "actor": event.actor_label,
                "from": details.get("from", ""),
                "to": details.get("to", details.get("status", "")),
                "since": details.get("since", details.get("status_since")),
                "until": details.get("until", details.get("status_until")),
            }
        )
    return rows


# --- recusals ----------------------------------------------------------------------------------


def recusals_visible_to(user: RequestUser) -> QuerySet[Recusal]:
    if not is_member(user) or user.department_id is None:
        return Recusal.objects.none()
    recusals = Recusal.objects.select_related(
        "inspector__department", "expert", "inspection_object", "declared_by", "decided_by"
    )
    if user.is_office_admin:
        return recusals
    if can_edit_registry(user):
        return recusals.filter(inspector__department_id=user.department_id)
    return recusals.filter(inspector__user=user)


def recusal_list_visible_to(
    user: RequestUser,
    *,
    status: str = "",
    department: str = "",
    inspector_id: int | None = None,
    q: str = "",
) -> QuerySet[Recusal]:
    recusals = recusals_visible_to(user)
    if status:
        recusals = recusals.filter(status=status)
    if department:
        recusals = recusals.filter(inspector__department__code=department)
    if inspector_id:
        recusals = recusals.filter(inspector_id=inspector_id)
    if q:
        term = q.strip()
        recusals = recusals.filter(
            Q(inspector__name__icontains=term)
            | Q(inspector__code__iexact=term)
            | Q(expert__name__icontains=term)
            | Q(expert__code__iexact=term)
            | Q(inspection_object__name__icontains=term)
            | Q(inspection_object__code__iexact=term)
        )
    return recusals.order_by("-declared_at", "-pk")


def access_recusal_for_user(user: RequestUser, recusal_id: Any) -> Recusal:
    try:
        return recusals_visible_to(user).get(pk=int(recusal_id))
    except (Recusal.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def recusal_queue_for(user: RequestUser) -> QuerySet[Recusal]:
    """Pending declarations this user decides: their department's (department admin) or all (office)."""
    if not is_member(user) or user.department_id is None:
        return Recusal.objects.none()
    pending = recusals_visible_to(user).filter(status="declared")
    if user.is_office_admin:
        return pending.order_by("declared_at", "pk")
    if not user.is_department_admin:
        return Recusal.objects.none()
    return pending.filter(inspector__department_id=user.department_id).order_by("declared_at", "pk")


def declarable_inspectors_for(user: RequestUser) -> QuerySet[Inspector]:
    """Inspectors this user may declare a recusal for: their own record, or their department's."""
    if not is_member(user) or user.department_id is None:
        return Inspector.objects.none()
    if user.is_office_admin:
        return Inspector.objects.select_related("department").order_by("code")
    if can_edit_registry(user):
        return (
            Inspector.objects.filter(department_id=user.department_id)
            .select_related("department")
            .order_by("code")
        )
    return Inspector.objects.filter(user=user).select_related("department")


def object_choices_for_recusal(term: str, limit: int = 20) -> list[InspectionObject]:
    """Objects matching a name fragment or an exact code, for the declaration form.

    A conflict may involve an object another department supervises (a relative's shop), so the
    search covers the whole registry, but only the public identity (code and registered name, as
    published on the national enterprise credit system) is returned.
    """
    term = (term or "").strip()
    if len(term) < 2:
        return []
    exact = list(InspectionObject.objects.filter(code__iexact=term).only("pk", "code", "name")[:1])
    if exact:
        return exact
    return list(
        InspectionObject.objects.filter(name__icontains=term)
        .only("pk", "code", "name")
        .order_by("name", "code")[:limit]
    )


# --- experts and rules -------------------------------------------------------------------------


def expert_list_visible_to(
    user: RequestUser, *, status: str = "", tag: str = "", q: str = ""
) -> QuerySet[Expert]:
    if not is_member(user) or user.department_id is None:
        return Expert.objects.none()
    experts = Expert.objects.all()
    if status:
        experts = experts.filter(status=status)
    if tag:
        experts = experts.filter(tags__contains=[tag.strip().upper()])
    if q:
        term = q.strip()
        experts = experts.filter(
            Q(name__icontains=term)
            | Q(code__iexact=term)
            | Q(organisation__icontains=term)
            | Q(speciality__icontains=term)
        )
    return experts.order_by("code")


def access_expert_for_user(
    user: RequestUser, expert_id: Any, *, for_change: bool = False
) -> Expert:
    if not is_member(user) or user.department_id is None:
        raise Http404
    if for_change and not user.is_office_admin:
        raise Http404
    try:
        return Expert.objects.get(pk=int(expert_id))
    except (Expert.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def recusal_rules() -> list[dict[str, Any]]:
    """Every rule kind with its state; a kind never configured is off."""
    stored = {rule.kind: rule for rule in RecusalRule.objects.all()}
    rows = []
    for kind, label in RecusalRule.Kind.choices:
        rule = stored.get(kind)
        rows.append(
            {
                "kind": kind,
                "label": str(label),
                "is_active": bool(rule and rule.is_active),
                "note": rule.note if rule else "",
            }
        )
    return rows
