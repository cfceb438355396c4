"""Panels that the apps above the registries add to an object's record page (the tasks app adds
the object's inspections and open follow-up measures). They register at start-up, so the
registries name no app above them (tests/platform/test_layering.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.types import RequestUser
    from registries.models import InspectionObject


@dataclass
class ObjectPanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


ObjectPanelProvider = Callable[["RequestUser", "InspectionObject"], "ObjectPanel | None"]
_providers: list[ObjectPanelProvider] = []


def register_object_panel(provider: ObjectPanelProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def object_panels(user: RequestUser, inspection_object: InspectionObject) -> list[ObjectPanel]:
    """The panels for this user and object, in registration order (a provider may add none)."""
    panels = (provider(user, inspection_object) for provider in _providers)
    return [panel for panel in panels if panel is not None]
