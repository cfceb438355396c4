from registries.inspectors.models import Expert, Inspector, Recusal, RecusalRule
from registries.models.credit import (
    ClassificationRuleSet,
    FusedRiskClass,
    GeneralClassImport,
    GeneralRiskClass,
)
from registries.objects.importing.models import DeferredIndex, ImportJob
from registries.objects.models import InspectionObject, ObjectChange, ObjectSupervision

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
