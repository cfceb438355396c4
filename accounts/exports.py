"""The audit trail as CSV (through the one tabular export), for the page and the API."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http.response import HttpResponseBase

from accounts.models import AuditEvent
from platform_site.exports import table_response

AUDIT_HEADER = [
    "seq",
    "occurred_at",
    "actor",
    "action",
    "target_type",
    "target_id",
    "target",
    "hash",
]


def audit_event_export_response(
    events: QuerySet[AuditEvent], export_format: str = "csv"
) -> HttpResponseBase:
    return table_response(
        export_format=export_format,
        filename="audit-events",
        header=AUDIT_HEADER,
        rows=(
            (
                event.seq,
                event.occurred_at.isoformat(),
                event.actor_label,
                event.action,
                event.target_type,
                event.target_id,
                event.target_label,
                event.hash,
            )
            for event in events.iterator(chunk_size=2000)
        ),
    )
