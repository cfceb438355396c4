"""Checks that every stored draw still says what was announced and published (`draws_verify`).

For each draw: its log chain is intact and its head is the one last anchored in the platform audit
trail; the frozen files and params hash to what the announce entry says (never the editable
columns); for a completed draw, the revealed secret matches the commitment, H(result) is the
logged result hash, the reveal came no earlier than the announced time, the rows the platform
works from (drawn objects, groups and their leaders, replacements applied) equal the published
results, and with `recompute` the reference verifier re-computes the whole public bundle.

Run nightly by beat (tasks.jobs.draws_verify_job) and by hand: `manage.py draws_verify`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from accounts.models import AuditEvent
from tasks.choices import DrawKind, DrawState
from tasks.draw.protocol import ProtocolError, canonical_hash, commitment, verify_chain
from tasks.draw.verify import verify_bundle
from tasks.models import Draw
from tasks.services.bundles import draw_bundle, draw_has_bundle
from tasks.services.execution import frozen_files, operational_problems

COMPLETED = (DrawState.DRAWN, DrawState.VOIDED)


@dataclass
class DrawIntegrityReport:
    draw_id: int
    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _anchor_problems(draw: Draw, head: str) -> list[str]:
    event = (
        AuditEvent.objects.filter(
            details__draw=draw.protocol_task_id, details__draw_number=draw.number
        )
        .order_by("-seq")
        .values_list("details", flat=True)
        .first()
    )
    if event is None:
        return ["no audit event anchors the draw's log"]
    if event.get("draw_head") != head:
        return [f"the audit trail anchors head {event.get('draw_head')}, the log ends at {head}"]
    return []


def _completed_problems(draw: Draw, entries: list[dict], *, recompute: bool) -> list[str]:
    problems = []
    reveals = [e for e in entries if e["type"] == "reveal"]
    results = [e for e in entries if e["type"] == "result"]
    if len(reveals) != 1 or len(results) != 1:
        return ["a completed draw needs exactly one reveal and one result entry"]
    secret = reveals[0]["data"].get("secret", "")
    if secret != draw.revealed_secret:
        problems.append("the revealed secret differs from the reveal entry")
    elif commitment(bytes.fromhex(secret)) != entries[0]["data"]["commitment"]:
        problems.append("the revealed secret does not match the announced commitment")
    if results[0]["data"].get("result_hash") != canonical_hash(draw.result):
        problems.append("the stored result does not hash to the logged result hash")
    not_before = draw.params.get("reveal_not_before")
    if not_before and reveals[0]["ts"] < not_before:
        problems.append(f"revealed at {reveals[0]['ts']}, before the announced {not_before}")
    if draw.kind == DrawKind.DRAW:
        problems += operational_problems(draw)
    if recompute and not problems:
        report = verify_bundle(draw_bundle(draw, public=True))
        problems += [f"public bundle: {problem}" for problem in report.problems]
    return problems


def draw_integrity_problems(draw: Draw, *, recompute: bool = False) -> list[str]:
    entries = [entry.as_entry() for entry in draw.log_entries.order_by("seq")]
    problems = verify_chain(entries)
    if problems:
        return problems
    if not entries or entries[0]["type"] != "announce":
        return ["the log does not start with an announce entry"]
    head = entries[-1]["hash"]
    if draw.head_hash != head:
        problems.append(f"the draw row says head {draw.head_hash}, the log ends at {head}")
    problems += _anchor_problems(draw, head)
    try:
        frozen_files(draw, entries[0])
    except ProtocolError as error:
        problems.append(str(error))
    if draw.state in COMPLETED and draw_has_bundle(draw):
        problems += _completed_problems(draw, entries, recompute=recompute)
    return problems


def draws_verify(
    *, recompute: bool = False, draws: Iterable[Draw] | None = None
) -> list[DrawIntegrityReport]:
    draws = draws if draws is not None else Draw.objects.order_by("pk").iterator(chunk_size=50)
    reports = []
    for draw in draws:
        label = f"{draw.protocol_task_id}#{draw.number}"
        reports.append(
            DrawIntegrityReport(draw.pk, label, draw_integrity_problems(draw, recompute=recompute))
        )
    return reports
