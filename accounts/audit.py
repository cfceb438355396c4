"""The platform-wide audit trail: append-only, hash-chained, verifiable by anyone with access.

Every service that changes state calls `record_event` inside its own transaction, so the event and
the change commit (or roll back) together.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import AuditEvent, User

GENESIS_HASH = "0" * 64
SYSTEM_ACTOR = "system"
# Any constant works; it only has to be the same for every writer of the chain.
_CHAIN_LOCK_KEY = 0x55A1_0001


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(details: dict[str, Any] | None) -> dict[str, Any]:
    """Details as they will read back from jsonb (dates and decimals become strings)."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    seq: int,
    prev_hash: str,
    occurred_at: datetime,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    details: dict[str, Any],
) -> str:
    payload = {
        "seq": seq,
        "prev": prev_hash,
        "at": _timestamp(occurred_at),
        "actor": actor_label,
        "action": action,
        "target": {"type": target_type, "id": target_id, "label": target_label},
        "details": details,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _target_fields(target: models.Model | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    return target._meta.label_lower, str(target.pk), str(target)[:300]


def record_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    The advisory lock serialises writers until the surrounding transaction commits: two writers
    must never compute the next entry from the same head.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        target_type, target_id, target_label = _target_fields(target)
        event = AuditEvent(
            seq=seq,
            prev_hash=prev_hash,
            occurred_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor.username if actor is not None and actor.pk else SYSTEM_ACTOR,
            action=action,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            details=_plain(details),
        )
        event.hash = _hash_of(event)
        event.save(force_insert=True)
    _checkpoint_after_commit(action)
    return event


def _checkpoint_after_commit(action: str) -> None:
    from accounts.checkpoints import CHECKPOINT_AFTER_ACTIONS

    if action in CHECKPOINT_AFTER_ACTIONS:
        from accounts.jobs import audit_checkpoint_job

        # robust: a broker that is down must not turn the committed draw into an error page;
        # the hourly checkpoint covers it then.
        transaction.on_commit(audit_checkpoint_job.delay, robust=True)


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        seq=event.seq,
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=event.target_label,
        details=event.details,
    )


@dataclass(frozen=True)
class ChainReport:
    """What verifying the chain found. ``broken_seq`` is the first position that is wrong: a row
    whose links or hash do not add up, the position of a checkpoint that the chain contradicts
    (rows up to it, after ``last_matching_seq``, were rewritten and re-hashed), or the first
    missing position when the chain ends before a checkpoint (the tail was deleted or truncated).
    """

    checked: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""
    checkpoints_matched: int = 0
    last_matching_seq: int = 0
    checkpoint_problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.checkpoint_problems


def verify_events(events: Iterable[AuditEvent], checkpoints: Iterable[Any] = ()) -> ChainReport:
    """Recompute the chain, compare it with every checkpoint and name the first broken entry."""
    expected: dict[int, list[Any]] = {}
    for checkpoint in checkpoints:
        if checkpoint.seq > 0:
            expected.setdefault(checkpoint.seq, []).append(checkpoint)
    expected_seq, prev_hash, checked, matched, last_match = 1, GENESIS_HASH, 0, 0, 0

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(checked, prev_hash, seq, problem, matched, last_match)

    for event in events:
        if event.seq != expected_seq:
            return broken(expected_seq, f"entry {expected_seq} is missing (next is {event.seq})")
        if event.prev_hash != prev_hash:
            return broken(event.seq, "prev hash does not match")
        if _hash_of(event) != event.hash:
            return broken(event.seq, "content does not match its hash")
        for checkpoint in expected.pop(event.seq, ()):
            if checkpoint.head != event.hash:
                since = (
                    f"after seq {last_match} (the last checkpoint that matches)"
                    if last_match
                    else "(no earlier checkpoint)"
                )
                return broken(
                    event.seq,
                    f"differs from the checkpoint signed at {checkpoint.at}: an entry up to "
                    f"seq {event.seq} {since} was rewritten",
                )
            matched += 1
            last_match = event.seq
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    if expected:
        seq = max(expected)
        checkpoint = expected[seq][-1]
        return broken(
            expected_seq,
            f"the chain ends at seq {expected_seq - 1} but the checkpoint signed at "
            f"{checkpoint.at} attests seq {seq}: entries {expected_seq}–{seq} are missing",
        )
    return ChainReport(checked, prev_hash, None, "", matched, last_match)


def iter_chain(chunk_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size)


def verify_chain(*, checkpoint_log: Path | None = None) -> ChainReport:
    """The chain against every checkpoint of the log whose signature verifies; lines that do not
    verify are reported as problems of their own."""
    from accounts.checkpoints import read_log

    log = read_log(checkpoint_log)
    report = verify_events(iter_chain(), log.checkpoints)
    return dataclasses.replace(report, checkpoint_problems=log.problems)


def chain_head() -> AuditEvent | None:
    return AuditEvent.objects.order_by("-seq").first()
