"""The registry of printable document kinds. Each app declares its kinds in its own documents.py
(templates and contexts stay with the app); this module only knows their common shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import Http404

_REGISTRY: dict[str, DocumentKind] = {}


class DocumentKind:
    """A kind of printable document.

    `params` names the integer parameters that identify a subject (the API accepts them as they
    are; pages pass them from their URL). `authorize` is the access check of the page the document
    belongs to (it raises Http404 for missing and not yours alike) and returns the subject; `load`
    returns it without a user, for the job. A kind with `chunk_size` is a batch: `parts` gives the
    common context and one context per part (one notice per drawn object), rendered `chunk_size`
    parts per WeasyPrint document and concatenated, so memory stays flat however many parts.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    template: ClassVar[str]
    params: ClassVar[dict[str, str]] = {}
    optional_params: ClassVar[frozenset[str]] = frozenset()
    chunk_size: ClassVar[int] = 0
    # Printing it is an act worth a line in the audit trail (an official form with a number).
    audited: ClassVar[bool] = False

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, int]:
        """Only this kind's parameters, as integers; Http404 when one is missing or malformed."""
        cleaned: dict[str, int] = {}
        for name in self.params:
            value = raw.get(name)
            if value in (None, ""):
                if name in self.optional_params:
                    continue
                raise Http404
            try:
                cleaned[name] = int(value)
            except (TypeError, ValueError):
                raise Http404 from None
            if cleaned[name] < 0 or cleaned[name] > 2**62:
                raise Http404
        return cleaned

    def key(self, params: Mapping[str, int]) -> str:
        return "&".join(f"{name}={params[name]}" for name in sorted(params))

    def load(self, params: Mapping[str, int]) -> Any:
        raise NotImplementedError

    def authorize(self, user: Any, params: Mapping[str, int]) -> Any:
        raise NotImplementedError

    def context(self, subject: Any) -> dict[str, Any]:
        raise NotImplementedError

    def parts(self, subject: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        raise NotImplementedError

    def filename(self, subject: Any) -> str:
        raise NotImplementedError

    def url(self, params: Mapping[str, int]) -> str:
        """The page address that requests this document (where the waiting page sends back to)."""
        raise NotImplementedError

    def audit_target(self, subject: Any) -> Any:
        return None


def register(kind_class: type[DocumentKind]) -> type[DocumentKind]:
    _REGISTRY[kind_class.name] = kind_class()
    return kind_class


def get_kind(name: str) -> DocumentKind:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise Http404 from None


def all_kinds() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda kind: kind.name)
