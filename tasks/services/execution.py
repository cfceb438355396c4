"""The draw job: computing and persisting a revealed draw, and making sure no draw stays "drawing".

`draw_execute` is the body of tasks.jobs.draw_run_job. It ends every claimed draw in one of two
states: the completed draw (result, drawn lists and log in one transaction, the operational rows
checked against the result before the commit), or `draw_failed` (S revealed where it can be read,
so anyone can recompute the failure) and a state from which the lead department starts again.

- a protocol error (no feasible dealing) and any other error in the job fail the draw at once;
- a database that is unreachable is left to the job's retries (tasks.jobs), since nothing of the
  draw could be written anyway;
- a lost worker (killed, or its message lost) leaves the draw "drawing" with nothing saved: a
  repeated reveal or beat (`draws_requeue_stuck`) queues the job again, and after
  DRAW_JOB_MAX_ATTEMPTS interrupted runs the draw fails instead of being retried for ever.

Re-running the job is always harmless: it re-reads the draw under a row lock and does nothing
unless the draw is still claimed.
"""

from __future__ import annotations

import gzip
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from registries.models import InspectionObject
from tasks.choices import DrawKind, DrawState, TaskStatus
from tasks.draw import protocol
from tasks.draw.fast import draw_groups_fast as draw_groups
from tasks.draw.fast import draw_objects_from_file
from tasks.draw.protocol import (
    ProtocolError,
    Ticketer,
    canonical_hash,
    compute_seed,
    sha256_hex,
)
from tasks.models import Draw, DrawnObject, GroupMember, Task
from tasks.services.ceremony import (
    SYSTEM,
    announce_entry,
    append_entry,
    expected_groups,
    gc_paused,
    group_member_rows,
    lock_draw,
    log_chain,
    operational_groups,
    protocol_error_message,
    queue_draw_job,
    record_draw_event,
    secret_hex,
)
from tasks.services.replacements import apply_replacement
from tasks.services.snapshots import trusted_inputs

# `draw_groups` above is stage 2 of every platform draw: tasks.draw.fast.draw_groups_fast, a
# drop-in for (and proven identical to) protocol.draw_groups, see tests/tasks/draw/
# test_fast_stage2.py. `compute_result(..., reference=True)` runs the reference protocol instead.
logger = logging.getLogger(__name__)
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class OperationalMismatch(Exception):
    """The drawn lists or groups written for a draw differ from its result (never committed)."""


def draw_execute(*, draw_id: int) -> Draw:
    """The job body: compute and persist the draw atomically, or end it with `draw_failed`."""
    stopped = _start_attempt(draw_id)
    if stopped is not None:
        return stopped
    try:
        return _execute(draw_id)
    except ProtocolError as error:
        return _record_failure(draw_id, reason=protocol_error_message(error), logged=str(error))
    except TRANSIENT_ERRORS:
        raise  # the database is away: nothing was saved, the job retries
    except Exception as error:
        logger.exception("draw %s: the draw job failed", draw_id)
        return _record_failure(
            draw_id,
            reason=_("抽取作业出错（%(error)s），本次抽取未完成，已按失败记录。请重新提交会审。")
            % {"error": type(error).__name__},
            logged=f"the draw job failed: {type(error).__name__}",
        )


def _start_attempt(draw_id: int) -> Draw | None:
    """Count this run of the job; None to go on, or the draw when there is nothing to do (no
    longer claimed) or when too many runs were interrupted (then it fails)."""
    with transaction.atomic():
        counted = Draw.objects.filter(
            pk=draw_id,
            state=DrawState.DRAWING,
            job_attempts__lt=settings.DRAW_JOB_MAX_ATTEMPTS,
        ).update(job_attempts=F("job_attempts") + 1)
    if counted:
        return None
    draw = Draw.objects.get(pk=draw_id)
    if draw.state != DrawState.DRAWING:
        return draw  # already drawn or failed: a repeated job does nothing
    return _record_failure(
        draw_id,
        reason=_(
            "抽取作业 %(n)s 次都未能完成（工作进程中断），本次抽取已按失败记录。请重新提交会审。"
        )
        % {"n": draw.job_attempts},
        logged=f"the draw job was interrupted {draw.job_attempts} times",
    )


def frozen_files(draw: Draw, announced: dict[str, Any]) -> dict[str, bytes]:
    """The stored files, checked against the hashes in the announce log entry, announced before any
    randomness existed: a file changed in the database after the announcement stops the draw."""
    snapshots = announced["data"]["snapshots"]
    files = {
        "candidates": gzip.decompress(bytes(draw.candidate_file)),
        "inspectors": gzip.decompress(bytes(draw.inspector_file)),
        "conflicts": gzip.decompress(bytes(draw.conflict_file)),
    }
    for name, data in files.items():
        if sha256_hex(data) != snapshots[name]:
            raise ProtocolError(f"the frozen {name} file no longer matches its announced hash")
    if canonical_hash(draw.params) != snapshots["params"]:
        raise ProtocolError("the frozen params no longer match their announced hash")
    return files


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")[:-1]


def compute_result(
    draw: Draw, secret: str, witnesses: list[str], *, reference: bool = False
) -> dict[str, Any]:
    """Exactly `run_draw` (seed, stage 1, stage 2) over the frozen files and the announced hashes
    (the files were validated at the announcement).

    By default stage 1 runs on the candidate file's bytes and stage 2 is the fast one, both proven
    identical to the reference; `reference=True` parses the rows and runs protocol.draw_objects
    and protocol.draw_groups, for cross-checking a platform draw."""
    announced = announce_entry(draw)
    files = frozen_files(draw, announced)
    seed = compute_seed(
        draw.protocol_task_id,
        announced["data"]["snapshots"],
        secret,
        announced["data"]["beacon"],
        witnesses,
    )
    inputs = trusted_inputs(
        draw.protocol_task_id,
        _lines(files["candidates"]) if reference else [],
        _lines(files["inspectors"]),
        _lines(files["conflicts"]),
        draw.params,
        validate=False,
    )
    strata = draw.params["strata"]
    if reference:
        ticketer = Ticketer(seed)
        objects = protocol.draw_objects(inputs.candidates, strata, ticketer)
        stage2 = protocol.draw_groups(
            list(objects), inputs.inspectors, inputs.conflicts, draw.params, ticketer
        )
    else:
        objects = draw_objects_from_file(files["candidates"], strata, seed)
        stage2 = draw_groups(list(objects), inputs.inspectors, inputs.conflicts, draw.params, seed)
    return {"seed": seed, "objects": objects, **stage2}


@gc_paused()
@transaction.atomic
def _execute(draw_id: int) -> Draw:
    draw = lock_draw(draw_id)
    if draw.state != DrawState.DRAWING:
        return draw  # already drawn (or never claimed): a repeated job does nothing
    secret = secret_hex(draw)
    chain = log_chain(draw)
    witnesses = [entry["data"]["value"] for entry in chain.entries if entry["type"] == "witness"]
    result = compute_result(draw, secret, witnesses)  # ProtocolError → rollback, failure logged
    lead_code = draw.task.lead_department.code
    append_entry(
        draw,
        chain,
        "reveal",
        lead_code,
        build=lambda c, now: c.reveal(secret, actor=lead_code, ts=now),
    )
    result_entry = append_entry(
        draw, chain, "result", SYSTEM, build=lambda c, now: c.result(result, actor=SYSTEM, ts=now)
    )
    draw.state = DrawState.DRAWN
    draw.revealed_secret = secret
    draw.witnesses = witnesses
    draw.seed = result["seed"]
    draw.result = result
    draw.result_hash = result_entry["data"]["result_hash"]  # H(result), hashed once
    draw.drawn_at = timezone.now()
    draw.save(
        update_fields=[
            "state",
            "revealed_secret",
            "witnesses",
            "seed",
            "result",
            "result_hash",
            "drawn_at",
            "head_hash",
        ]
    )
    if draw.kind == DrawKind.REPLACEMENT:
        apply_replacement(draw, result)
        assert draw.parent_draw is not None  # a replacement draw always has its parent
        check_operational_rows(draw.parent_draw)
    else:
        _persist_lists(draw, result)
        check_operational_rows(draw)
        Task.objects.filter(pk=draw.task_id).update(
            status=TaskStatus.DRAWN, updated_at=timezone.now()
        )
    record_draw_event(
        draw,
        draw.revealed_by,
        "draw.result",
        seed=draw.seed,
        result_hash=draw.result_hash,
        objects=len(result["objects"]),
        groups=len(result["groups"]),
    )
    return draw


def _persist_lists(draw: Draw, result: dict[str, Any]) -> None:
    codes = list(result["objects"])
    # One set-based INSERT … SELECT over arrays: resolves the object ids by code in the database.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {DrawnObject._meta.db_table} (draw_id, inspection_object_id, code, stratum, group_id)
            SELECT %s, o.id, x.code, x.stratum, x.group_id
            FROM unnest(%s::text[], %s::text[], %s::text[]) AS x(code, stratum, group_id)
            JOIN {InspectionObject._meta.db_table} o ON o.code = x.code
            """,
            [
                draw.pk,
                codes,
                [result["objects"][c] for c in codes],
                [result["assignment"][c] for c in codes],
            ],
        )
        if cursor.rowcount != len(codes):
            raise OperationalMismatch("a drawn object is missing from the registry")
    GroupMember.objects.bulk_create(group_member_rows(draw, result["groups"]), batch_size=5000)


def operational_problems(draw: Draw) -> list[str]:
    """How the rows the platform works from (drawn objects and their groups, the members standing
    now) differ from what the published results say; empty when they agree."""
    problems = []
    result = draw.result or {}
    rows = {
        code: (stratum, group_id)
        for code, stratum, group_id in DrawnObject.objects.filter(draw=draw).values_list(
            "code", "stratum", "group_id"
        )
    }
    published = {
        code: (stratum, result.get("assignment", {}).get(code))
        for code, stratum in result.get("objects", {}).items()
    }
    if rows != published:
        differing = sorted(set(rows.items()) ^ set(published.items()))
        problems.append(f"drawn objects differ from the result: {differing[:5]}")
    expected = expected_groups(draw)
    standing = operational_groups(draw)
    if standing != expected:
        differing_groups = sorted(
            gid for gid in set(standing) | set(expected) if standing.get(gid) != expected.get(gid)
        )
        problems.append(f"groups differ from the published results: {differing_groups[:5]}")
    return problems


def check_operational_rows(draw: Draw) -> None:
    """Inside the draw's transaction: the rows just written must say what the result says."""
    problems = operational_problems(draw)
    if problems:
        raise OperationalMismatch("; ".join(problems))


def _readable_secret(draw: Draw) -> str:
    try:
        return secret_hex(draw)
    except (ValueError, ProtocolError):
        return ""


def _record_failure(draw_id: int, *, reason: str, logged: str) -> Draw:
    """End a claimed draw with `draw_failed` in its own transaction; S is revealed (when it can
    still be read) so that anyone can recompute that, and how, the draw failed."""
    with transaction.atomic():
        draw = lock_draw(draw_id)
        if draw.state != DrawState.DRAWING:
            return draw
        secret = _readable_secret(draw)
        chain = log_chain(draw)
        lead_code = draw.task.lead_department.code
        if secret:
            append_entry(
                draw,
                chain,
                "reveal",
                lead_code,
                build=lambda c, now: c.reveal(secret, actor=lead_code, ts=now),
            )
        append_entry(draw, chain, "draw_failed", SYSTEM, {"reason": logged})
        draw.state, draw.failure_reason, draw.revealed_secret = DrawState.FAILED, reason, secret
        draw.witnesses = [
            entry["data"]["value"] for entry in chain.entries if entry["type"] == "witness"
        ]
        draw.save(
            update_fields=["state", "failure_reason", "revealed_secret", "witnesses", "head_hash"]
        )
        if draw.kind == DrawKind.DRAW:
            Task.objects.filter(pk=draw.task_id).update(
                status=TaskStatus.DRAFT, last_return_reason=reason, updated_at=timezone.now()
            )
        record_draw_event(draw, None, "draw.failed", reason=logged)
    return draw


def draws_requeue_stuck(*, actor: User | None = None) -> list[int]:
    """Queue the job again for every draw "drawing" longer than DRAW_STUCK_AFTER_MINUTES that no
    worker is working on (its row is not locked); the job itself fails a draw whose runs were
    interrupted too often. Run by beat; returns the ids queued."""
    cutoff = timezone.now() - timedelta(minutes=settings.DRAW_STUCK_AFTER_MINUTES)
    queued = []
    with transaction.atomic():
        stuck = list(
            Draw.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("task")
            .filter(
                Q(job_queued_at__lt=cutoff) | Q(job_queued_at__isnull=True, revealed_at__lt=cutoff),
                state=DrawState.DRAWING,
            )
            .order_by("pk")
        )
        for draw in stuck:
            Draw.objects.filter(pk=draw.pk).update(job_queued_at=timezone.now())
            record_draw_event(draw, actor, "draw.requeued", attempts=draw.job_attempts)
            queued.append(draw.pk)
    for draw_id in queued:
        queue_draw_job(draw_id)
    return queued
