from registries.models.credit import (
    ClassificationRuleSet,
    FusedRiskClass,
    GeneralClassImport,
    GeneralRiskClass,
)
from registries.models.imports import DeferredIndex, ImportJob
from registries.models.inspectors import Expert, Inspector, Recusal, RecusalRule
from registries.models.objects import InspectionObject, ObjectChange, ObjectSupervision

__all__ = [
    "ClassificationRuleSet",
    "DeferredIndex",
    "Expert",
    "FusedRiskClass",
    "GeneralClassImport",
    "GeneralRiskClass",
    "ImportJob",
    "InspectionObject",
    "Inspector",
    "ObjectChange",
    "ObjectSupervision",
    "Recusal",
    "RecusalRule",
]
