"""Creating, changing and retiring a matter by hand (or by an accepted proposal)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from catalog.choices import (
    MatterStatus,
    RevisionAction,
)
from catalog.models import Matter, MatterChangeProposal
from catalog.services._common import (
    apply_values,
    normalise_values,
    require_office_admin,
    retire_matter,
    save_revision,
    update_matter,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@transaction.atomic
def matter_create(
    *,
    created_by: User,
    code: str,
    data: dict[str, Any],
    reason: str = "",
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    require_office_admin(created_by)
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise ValidationError({"code": _("事项编码只能包含字母、数字、点、下划线和连字符。")})
    values = normalise_values(data)
    if not values.get("name"):
        raise ValidationError({"name": _("请填写抽查事项名称。")})
    today = timezone.localdate()
    values.setdefault("list_year", today.year)
    values.setdefault("effective_from", today)
    matter = Matter(code=code, status=MatterStatus.ACTIVE, revision=1, updated_by=created_by)
    relations = apply_values(matter, values)
    matter.full_clean(exclude=["implementing_departments", "participating_departments"])
    matter.save()
    for name, departments in relations.items():
        getattr(matter, name).set(departments)
    save_revision(
        matter=matter,
        action=RevisionAction.CREATE,
        changed_by=created_by,
        changes={},
        reason=reason,
        proposal=proposal,
    )
    record_event(
        actor=created_by,
        action="matter.create",
        target=matter,
        details={
            "code": matter.code,
            "name": matter.name,
            "reason": reason,
            "proposal": proposal.pk if proposal else None,
        },
    )
    return matter


@transaction.atomic
def matter_update(
    *,
    matter: Matter,
    updated_by: User,
    data: dict[str, Any],
    reason: str = "",
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    """Change a matter's fields; bumps `revision` and writes a MatterRevision. Unchanged values
    write nothing."""
    require_office_admin(updated_by)
    values = normalise_values(data)
    if "name" in values and not values["name"]:
        raise ValidationError({"name": _("请填写抽查事项名称。")})
    matter, changes = update_matter(
        matter=matter,
        values=values,
        actor=updated_by,
        action=RevisionAction.UPDATE,
        reason=reason,
        proposal=proposal,
    )
    if changes:
        record_event(
            actor=updated_by,
            action="matter.update",
            target=matter,
            details={"revision": matter.revision, "changes": changes, "reason": reason},
        )
    return matter


@transaction.atomic
def matter_retire(
    *,
    matter: Matter,
    retired_by: User,
    reason: str,
    effective_until: date | None = None,
    proposal: MatterChangeProposal | None = None,
) -> Matter:
    """Take a matter out of the list from `effective_until` (default today). Never deletes: plans
    and tasks that used it keep pointing at it."""
    require_office_admin(retired_by)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写停用原因。")})
    matter = retire_matter(
        matter=matter,
        actor=retired_by,
        reason=reason.strip(),
        effective_until=effective_until,
        action=RevisionAction.RETIRE,
        proposal=proposal,
    )
    until = matter.effective_until
    assert until is not None  # retire_matter sets it
    record_event(
        actor=retired_by,
        action="matter.retire",
        target=matter,
        details={"effective_until": until.isoformat(), "reason": reason.strip()},
    )
    return matter
