"""The office's rules for tasks and draws (TaskPolicy), changed on the policy page or the API,
with an audit event naming every value before and after."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from accounts.roles import is_office_admin, require
from tasks.models import TaskPolicy

POLICY_FIELDS = (
    "escalate_after_working_days",
    "remind_every_working_days",
    "low_risk_yearly_limit",
    "clean_result_months",
    "reveal_delay_minutes",
)


def _values(policy: TaskPolicy) -> dict[str, Any]:
    return {name: getattr(policy, name) for name in POLICY_FIELDS}


@transaction.atomic
def task_policy_update(*, updated_by: User, **changes: Any) -> TaskPolicy:
    """Change the office's task rules (office admins only)."""
    require(is_office_admin, updated_by, _("抽查任务规则由联席办管理员设置。"))
    unknown = sorted(set(changes) - set(POLICY_FIELDS))
    if unknown:
        raise ValidationError(_("不能修改：%(f)s") % {"f": "、".join(unknown)})
    TaskPolicy.current()
    policy = TaskPolicy.objects.select_for_update().get(pk=1)
    before = _values(policy)
    for name, value in changes.items():
        setattr(policy, name, value)
    policy.full_clean()
    after = _values(policy)
    changed = {
        name: {"before": before[name], "after": after[name]}
        for name in POLICY_FIELDS
        if before[name] != after[name]
    }
    if not changed:
        return policy
    policy.save()
    record_event(
        actor=updated_by, action="task_policy.update", target=policy, details={"changes": changed}
    )
    return policy
