"""What the inspection services share: row locks, the entry check of a record, and notices to a
department's staff through the one inbox (accounts.inbox)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.inbox.services import notification_send
from accounts.models import Department, User
from tasks.choices import DrawState
from tasks.inspections.choices import EDITABLE_RESULT_STATUSES
from tasks.inspections.models import InspectionResult, MatterRecord
from tasks.inspections.permissions import can_enter_record


def lock_result(result: InspectionResult) -> InspectionResult:
    """The result under a row lock, with its inspection, task and draw."""
    result = (
        InspectionResult.objects.select_for_update(of=("self",))
        .select_related(
            "inspection",
            "inspection__task",
            "inspection__task__lead_department",
            "inspection__drawn_object",
            "inspection__drawn_object__draw",
            "inspection__inspection_object",
        )
        .get(pk=result.pk)
    )
    result.inspection.result = result
    return result


def lock_record(record: MatterRecord) -> MatterRecord:
    """The record under a row lock, with what the entry check needs."""
    return (
        MatterRecord.objects.select_for_update(of=("self",))
        .select_related(
            "department",
            "matter",
            "inspection",
            "inspection__task",
            "inspection__drawn_object__draw",
            "inspection__result",
        )
        .get(pk=record.pk)
    )


def require_entry(record: MatterRecord, user: User) -> None:
    """The user may write the record now: their department's member of the group, the draw
    standing, the result open for entry."""
    if not can_enter_record(user, record):
        raise PermissionDenied(_("只有本部门参加该检查组的检查人员可以录入本部门的检查记录。"))
    inspection = record.inspection
    if inspection.drawn_object.draw.state != DrawState.DRAWN:
        raise ValidationError(_("该抽取已作废，不能录入。"))
    if inspection.result.status not in EDITABLE_RESULT_STATUSES:
        raise ValidationError(
            _("检查结果已提交或已审核，不能修改记录；如需更正，请由组长或牵头部门发起更正。")
        )


def department_contacts(department_id: int) -> Iterable[User]:
    return User.objects.filter(department_id=department_id, is_active=True).filter(
        Q(roles__contains=[Role.STAFF]) | Q(roles__contains=[Role.LIAISON])
    )


def notify(
    users: Iterable[User] = (),
    *,
    kind: str,
    title: str,
    body: str,
    url: str,
    department: Department | None = None,
    liaison_of: Iterable[Department] = (),
) -> None:
    """Inbox notices (and their e-mails, after the commit) to these accounts and/or these
    departments' liaisons; `kind` names the feature (inspections.…)."""
    people, liaisons = list(users), list(liaison_of)
    if people or liaisons:
        notification_send(
            kind=kind,
            title=title,
            body=body,
            url=url,
            users=people,
            liaison_of=liaisons,
            department=department,
        )


def result_label(result: InspectionResult) -> str:
    inspection = result.inspection
    return f"{inspection.task.code} {inspection.group_id} {inspection.inspection_object.name}"
