"""Everything that can happen to an annual plan. Grep for `plan_` to find it all."""

from plans.services.items import plan_item_create, plan_item_delete, plan_item_update
from plans.services.merges import (
    merge_proposal_accept,
    merge_proposal_reject,
    merge_proposal_update,
    plan_propose_merges,
)
from plans.services.seasons import peak_season_create, peak_season_delete, peak_season_update
from plans.services.submissions import plan_department_return, plan_department_submit
from plans.services.years import (
    default_deadlines,
    plan_adjust_start,
    plan_approve,
    plan_compile,
    plan_publish,
    plan_return,
    plan_submit_for_approval,
    plan_year_open,
)

__all__ = [
    "default_deadlines",
    "merge_proposal_accept",
    "merge_proposal_reject",
    "merge_proposal_update",
    "peak_season_create",
    "peak_season_delete",
    "peak_season_update",
    "plan_adjust_start",
    "plan_approve",
    "plan_compile",
    "plan_department_return",
    "plan_department_submit",
    "plan_item_create",
    "plan_item_delete",
    "plan_item_update",
    "plan_propose_merges",
    "plan_publish",
    "plan_return",
    "plan_submit_for_approval",
    "plan_year_open",
]
