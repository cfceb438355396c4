from registries.models.imports import DeferredIndex, ImportJob
from registries.models.inspectors import Expert, Inspector, Recusal, RecusalRule
from registries.models.objects import InspectionObject, ObjectChange, ObjectSupervision

__all__ = [
    "DeferredIndex",
    "Expert",
    "ImportJob",
    "InspectionObject",
    "Inspector",
    "ObjectChange",
    "ObjectSupervision",
    "Recusal",
    "RecusalRule",
]
