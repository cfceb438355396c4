"""Everything that can happen to the matter list (一单). Each service records its audit event and,
when it changes a matter, a MatterRevision with the full snapshot (who, when, why).

Only office admins change the list (000 art. 7); departments submit proposals, which the office
accepts (applied through the same services) or rejects with a reason.

`matters` (create, update, retire), `check_points` (the inspection form), `proposals`, `imports`
(provincial lists); `_common` holds what every change to a matter goes through.
"""

from catalog.services._common import DEFAULT_RATIO_CAP_BP
from catalog.services.check_points import (
    DEFAULT_ANSWERS,
    MAX_CHECK_POINTS,
    matter_set_check_points,
    matter_set_check_points_many,
)
from catalog.services.imports import (
    MAX_IMPORT_BYTES,
    matter_import_apply,
    matter_import_discard,
    matter_import_preview,
)
from catalog.services.matters import matter_create, matter_retire, matter_update
from catalog.services.proposals import proposal_accept, proposal_reject, proposal_submit

__all__ = [
    "DEFAULT_ANSWERS",
    "DEFAULT_RATIO_CAP_BP",
    "MAX_CHECK_POINTS",
    "MAX_IMPORT_BYTES",
    "matter_create",
    "matter_import_apply",
    "matter_import_discard",
    "matter_import_preview",
    "matter_retire",
    "matter_set_check_points",
    "matter_set_check_points_many",
    "matter_update",
    "proposal_accept",
    "proposal_reject",
    "proposal_submit",
]
