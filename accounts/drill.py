"""The tampering drill: proof that `audit_verify` reports every way of rewriting the audit trail.

Run as the database's owner (the runtime role cannot tamper at all), each scenario tampers with the
trail inside a transaction, with the append-only triggers suspended as only the owner may, checks
the tampered chain against the signed checkpoints exactly as `audit_verify` does, and rolls back, so
the database is left as it was. The drill first signs a checkpoint of the current head, as the hourly
job would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from accounts.audit import ChainReport, _hash_of, chain_head, verify_chain
from accounts.checkpoints import checkpoint_write, read_log
from accounts.models import AuditEvent
from platform_site import dbroles

TAIL = 3
REWRITE_DISTANCE = 10
MINIMUM_ENTRIES = TAIL + 1


class DrillError(Exception):
    pass


@dataclass(frozen=True)
class DrillResult:
    scenario: str
    tampering: str
    expected_seq: int
    report: ChainReport

    @property
    def detected(self) -> bool:
        return not self.report.ok and self.report.broken_seq == self.expected_seq


def _truncate(head: int, checkpoints: list[int]) -> tuple[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_auditevent")
    return "TRUNCATE accounts_auditevent", 1


def _delete_tail(head: int, checkpoints: list[int]) -> tuple[str, int]:
    first = head - TAIL + 1
    AuditEvent.objects.filter(seq__gte=first).delete()
    return f"DELETE entries {first}–{head}", first


def _rewrite_position(head: int) -> int:
    return max(1, head - REWRITE_DISTANCE)


def _rewrite(head: int, checkpoints: list[int]) -> tuple[str, int]:
    position = _rewrite_position(head)
    event = AuditEvent.objects.get(seq=position)
    AuditEvent.objects.filter(seq=position).update(details={**event.details, "drill": "rewritten"})
    return f"UPDATE entry {position}", position


def _rewrite_and_rehash(head: int, checkpoints: list[int]) -> tuple[str, int]:
    """Rewrite one entry and recompute every hash after it: a chain that verifies on its own."""
    position = _rewrite_position(head)
    prev_hash = ""
    for event in AuditEvent.objects.filter(seq__gte=position).order_by("seq"):
        if event.seq == position:
            event.details = {**event.details, "drill": "rewritten"}
            prev_hash = event.prev_hash
        event.prev_hash = prev_hash
        event.hash = _hash_of(event)
        AuditEvent.objects.filter(seq=event.seq).update(
            details=event.details, prev_hash=event.prev_hash, hash=event.hash
        )
        prev_hash = event.hash
    # What can be named is the first checkpoint the rewritten chain contradicts.
    first_checkpoint = min(seq for seq in checkpoints if seq >= position)
    return f"UPDATE entry {position}, re-hash {position}–{head}", first_checkpoint


SCENARIOS: tuple[tuple[str, Callable[[int, list[int]], tuple[str, int]]], ...] = (
    ("truncate", _truncate),
    ("delete the tail", _delete_tail),
    ("rewrite", _rewrite),
    ("rewrite and re-hash", _rewrite_and_rehash),
)


class _RollBack(Exception):
    pass


def run_drill(*, checkpoint_log: Path | None = None) -> list[DrillResult]:
    """Every scenario against the current trail, as the owner; nothing it tampers with stays."""
    results = []
    head = chain_head()
    if head is None or head.seq < MINIMUM_ENTRIES:
        raise DrillError(
            f"the drill needs at least {MINIMUM_ENTRIES} audit entries (load the demo city)"
        )
    with dbroles.as_owner():
        head = chain_head()
        assert head is not None  # the same database, seen as the owner
        checkpoint_write(path=checkpoint_log)
        checkpoints = sorted({c.seq for c in read_log(checkpoint_log).checkpoints})
        for name, tamper in SCENARIOS:
            outcome: list[DrillResult] = []
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor, dbroles.append_only_suspended(cursor):
                        tampering, expected = tamper(head.seq, checkpoints)
                    report = verify_chain(checkpoint_log=checkpoint_log)
                    outcome.append(DrillResult(name, tampering, expected, report))
                    raise _RollBack
            except _RollBack:
                pass
            results.extend(outcome)
    return results
