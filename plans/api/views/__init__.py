"""The plans API: thin views named <Entity><Action>Api, each calling one service.

One module per subject (years, items, submissions, merges, versions, seasons);
plans/api/urls.py uses the names below.
"""

from plans.api.views.items import (
    PlanItemCreateApi,
    PlanItemDeleteApi,
    PlanItemDetailApi,
    PlanItemEstimateApi,
    PlanItemExportApi,
    PlanItemListApi,
    PlanItemUpdateApi,
)
from plans.api.views.merges import (
    MergeProposalAcceptApi,
    MergeProposalListApi,
    MergeProposalRejectApi,
    MergeProposalUpdateApi,
    PlanProposeMergesApi,
)
from plans.api.views.seasons import (
    PeakSeasonCreateApi,
    PeakSeasonDeleteApi,
    PeakSeasonExportApi,
    PeakSeasonListApi,
    PeakSeasonUpdateApi,
)
from plans.api.views.submissions import (
    DepartmentSubmissionListApi,
    PlanDepartmentReturnApi,
    PlanDepartmentSubmitApi,
)
from plans.api.views.versions import (
    PlanVersionDetailApi,
    PlanVersionListApi,
    PublicPlanDetailApi,
    PublicPlanListApi,
)
from plans.api.views.years import (
    PlanAdjustStartApi,
    PlanApproveApi,
    PlanCompileApi,
    PlanIndicatorsApi,
    PlanPublishApi,
    PlanReturnApi,
    PlanSubmitForApprovalApi,
    PlanYearDetailApi,
    PlanYearListApi,
    PlanYearOpenApi,
)

__all__ = [
    "DepartmentSubmissionListApi",
    "MergeProposalAcceptApi",
    "MergeProposalListApi",
    "MergeProposalRejectApi",
    "MergeProposalUpdateApi",
    "PeakSeasonCreateApi",
    "PeakSeasonDeleteApi",
    "PeakSeasonExportApi",
    "PeakSeasonListApi",
    "PeakSeasonUpdateApi",
    "PlanAdjustStartApi",
    "PlanApproveApi",
    "PlanCompileApi",
    "PlanDepartmentReturnApi",
    "PlanDepartmentSubmitApi",
    "PlanIndicatorsApi",
    "PlanItemCreateApi",
    "PlanItemDeleteApi",
    "PlanItemDetailApi",
    "PlanItemEstimateApi",
    "PlanItemExportApi",
    "PlanItemListApi",
    "PlanItemUpdateApi",
    "PlanProposeMergesApi",
    "PlanPublishApi",
    "PlanReturnApi",
    "PlanSubmitForApprovalApi",
    "PlanVersionDetailApi",
    "PlanVersionListApi",
    "PlanYearDetailApi",
    "PlanYearListApi",
    "PlanYearOpenApi",
    "PublicPlanDetailApi",
    "PublicPlanListApi",
]
