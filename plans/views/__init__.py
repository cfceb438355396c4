"""Server-rendered pages of the annual plan: thin — parse, access, call one service, render.

One module per subject (years, items, submissions, compiling, versions, seasons); `_common`
holds the office-only guard and the error helpers. plans/urls.py uses the names below.
"""

from plans.views.compiling import (
    compilation,
    merge_accept,
    merge_edit,
    merge_reject,
    propose_merges,
    year_adjust,
    year_approve,
    year_compile,
    year_publish,
    year_return,
    year_submit_for_approval,
)
from plans.views.items import (
    item_create,
    item_delete,
    item_detail,
    item_edit,
    item_estimate,
)
from plans.views.seasons import (
    peak_season_create,
    peak_season_delete,
    peak_season_edit,
    peak_season_list_view,
)
from plans.views.submissions import (
    department_return,
    department_submit,
    submission_detail,
)
from plans.views.versions import (
    public_detail,
    public_list,
    public_pdf,
    public_xlsx,
    version_detail,
    version_pdf,
    version_xlsx,
)
from plans.views.years import (
    year_detail,
    year_list,
    year_open,
)

__all__ = [
    "compilation",
    "department_return",
    "department_submit",
    "item_create",
    "item_delete",
    "item_detail",
    "item_edit",
    "item_estimate",
    "merge_accept",
    "merge_edit",
    "merge_reject",
    "peak_season_create",
    "peak_season_delete",
    "peak_season_edit",
    "peak_season_list_view",
    "propose_merges",
    "public_detail",
    "public_list",
    "public_pdf",
    "public_xlsx",
    "submission_detail",
    "version_detail",
    "version_pdf",
    "version_xlsx",
    "year_adjust",
    "year_approve",
    "year_compile",
    "year_detail",
    "year_list",
    "year_open",
    "year_publish",
    "year_return",
    "year_submit_for_approval",
]
