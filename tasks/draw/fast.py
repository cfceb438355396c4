"""Faster stages 1 and 2 (draw-protocol.md §4, §5) giving exactly the reference results.

The reference implementation stays in protocol.py (and is what the verifier runs); this module only
avoids work that does not change the outcome:
- every HMAC starts from the key pads hashed once per draw, and from a message prefix hashed once
  (e.g. `GRP|a|o|` once per object, then one copy per group), since HMAC-SHA256 over
  `prefix + rest` is the inner hash state after `prefix`, updated with `rest`;
- tickets are compared as raw digests instead of hex strings (hex order is byte order, §Notation),
  in stage 1 as one bytes key `ticket + USCC` per candidate rather than a tuple;
- stage 1 reads the frozen candidate file as bytes, so no per-row str or dataclass is built;
- stage 2 keeps each object's conflicts as a bitmask of group indexes and the groups by current
  object count as bitmasks, so `ok(o, g)` and "fewest objects so far" are integer operations, and
  GRP tickets are computed only for the tied groups, exactly as protocol._deal does.
tests/tasks/test_fast_stage1.py and tests/tasks/draw/test_fast_stage2.py check equality with the
reference over many random scenarios and on the known-answer bundle.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from heapq import nsmallest
from typing import Any

from .protocol import (
    HEX64_RE,
    MUST,
    DrawFailed,
    ProtocolError,
    Ticketer,
    group_ids,
    precheck_inspectors,
    stratum_size,
)

_IPAD = bytes(0x36 for _ in range(64))
_OPAD = bytes(0x5C for _ in range(64))


def _pads(seed_hex: str) -> tuple[Any, Any]:
    """The inner and outer SHA-256 states after the key pads (the seed hex is one 64-byte block)."""
    if not isinstance(seed_hex, str) or not HEX64_RE.fullmatch(seed_hex):
        raise ProtocolError("seed must be 64 lowercase hex characters")
    key = seed_hex.encode("ascii")
    inner = hashlib.sha256(bytes(k ^ p for k, p in zip(key, _IPAD, strict=True)))
    outer = hashlib.sha256(bytes(k ^ p for k, p in zip(key, _OPAD, strict=True)))
    return inner, outer


def _take(pools: Mapping[Any, list[bytes]], strata: Mapping[str, Any]):
    """Each stratum's k smallest keys, as (USCC, stratum) pairs.

    A key is the raw ticket (32 bytes) followed by the USCC's UTF-8 bytes, so that comparing keys
    compares (ticket, USCC) as the reference does (UTF-8 keeps code point order), without a tuple
    per candidate for the garbage collector to walk."""
    for stratum, keys in pools.items():
        name = stratum.decode("utf-8") if isinstance(stratum, bytes) else stratum
        k = stratum_size(len(keys), strata[name])
        if k <= 0:
            continue
        chosen = nsmallest(k, keys) if k * 8 < len(keys) else sorted(keys)[:k]
        for key in chosen:
            yield key[32:].decode("utf-8"), name


def draw_objects_fast(
    rows: Iterable[tuple[str, str, Any]], strata: Mapping[str, Any], seed_hex: str
) -> dict[str, str]:
    """Stage 1 over (USCC, STRATUM, MUST) tuples; MUST is truthy for must-include rows."""
    inner, outer = _pads(seed_hex)
    inner.update(b"OBJ|")
    inner_copy, outer_copy = inner.copy, outer.copy
    selected: dict[str, str] = {}
    pools: dict[str, list[bytes]] = defaultdict(list)
    for uscc, stratum, must in rows:
        if must:
            selected[uscc] = MUST
            continue
        message = uscc.encode("utf-8")
        i = inner_copy()
        i.update(message)
        o = outer_copy()
        o.update(i.digest())
        pools[stratum].append(o.digest() + message)
    selected.update(_take(pools, strata))
    return dict(sorted(selected.items()))


def draw_objects_from_file(
    candidate_file: bytes, strata: Mapping[str, Any], seed_hex: str
) -> dict[str, str]:
    """Stage 1 straight from the candidate file of §2 (`USCC,STRATUM,MUST` lines, each ending
    with LF), without building a str per row: the USCC bytes are the HMAC message suffix as they
    are, and only the drawn ones are decoded."""
    inner, outer = _pads(seed_hex)
    inner.update(b"OBJ|")
    inner_copy, outer_copy = inner.copy, outer.copy
    must_rows: list[bytes] = []
    pools: dict[bytes, list[bytes]] = defaultdict(list)
    lines = candidate_file.split(b"\n")
    if lines[-1]:
        raise ProtocolError("the candidate file must end with LF")
    del lines[-1]
    for line in lines:
        try:
            uscc, stratum, must = line.split(b",")
        except ValueError:
            raise ProtocolError(f"candidate row {line!r}: expected USCC,STRATUM,MUST") from None
        if must == b"1":
            must_rows.append(uscc)
            continue
        if must != b"0":
            raise ProtocolError(f"candidate row {line!r}: MUST must be 0 or 1")
        i = inner_copy()
        i.update(uscc)
        o = outer_copy()
        o.update(i.digest())
        pools[stratum].append(o.digest() + uscc)
    selected = {uscc.decode("utf-8"): MUST for uscc in must_rows}
    selected.update(_take(pools, strata))
    return dict(sorted(selected.items()))


# --- stage 2 ------------------------------------------------------------------------------------


def _seed_of(ticketer: Ticketer | str) -> str:
    return ticketer.seed_hex if isinstance(ticketer, Ticketer) else ticketer


def draw_groups_fast(
    objects: Sequence[str],
    inspectors: Iterable[Any],
    conflicts: Iterable[Any],
    params: Mapping[str, Any],
    ticketer: Ticketer | str,
) -> dict[str, Any]:
    """Stage 2 (§5), a drop-in for protocol.draw_groups: same arguments (the ticketer may also be
    the seed hex), same result, same InfeasibleDraw and DrawFailed.

    `inspectors` are protocol.InspectorRow-like (inspector_id, dept, load, max_load, tags) and
    `conflicts` protocol.Conflict-like (inspector_id, uscc) objects.
    """
    able = precheck_inspectors(inspectors, params)
    group_count: int = params["groups"]
    sizes: Mapping[str, int] = params["group"]
    lead_dept: str = params["lead_dept"]
    ids = group_ids(group_count)
    cap = -(-len(objects) // group_count)
    drawn = set(objects)
    conflicts_by_object: dict[str, set[str]] = defaultdict(set)
    for conflict in conflicts:
        if conflict.uscc in drawn:
            conflicts_by_object[conflict.uscc].add(conflict.inspector_id)
    inner, outer = _pads(_seed_of(ticketer))
    outer_copy = outer.copy
    object_bytes = {uscc: uscc.encode("utf-8") for uscc in objects}
    failed_on = ""
    for attempt in range(params["max_attempts"]):
        taken = _rank_members(attempt, able, sizes, group_count, inner, outer_copy)
        group_of = {
            i: rank % group_count for dept_ids in taken.values() for rank, i in enumerate(dept_ids)
        }
        blocked: dict[str, int] = {}
        for uscc, inspector_ids in conflicts_by_object.items():
            mask = 0
            for inspector_id in inspector_ids:
                index = group_of.get(inspector_id)
                if index is not None:
                    mask |= 1 << index
            blocked[uscc] = mask
        order_state = _prefixed(inner, f"ORD|{attempt}|")
        grp_state = _prefixed(inner, f"GRP|{attempt}|")
        assignment = _deal(
            objects, object_bytes, blocked, ids, cap, order_state, grp_state, outer_copy
        )
        if isinstance(assignment, str):
            failed_on = assignment
            continue
        lead_state = _prefixed(inner, f"LEAD|{attempt}|")
        groups = {}
        lead_ids = taken[lead_dept]
        for index, group_id in enumerate(ids):
            members = sorted(i for dept_ids in taken.values() for i in dept_ids[index::group_count])
            state = lead_state.copy()
            state.update(group_id.encode("utf-8") + b"|")
            leader = min(
                (_ticket(state, i.encode("utf-8"), outer_copy), i)
                for i in lead_ids[index::group_count]
            )[1]
            groups[group_id] = {"leader": leader, "members": members}
        return {"attempt": attempt, "groups": groups, "assignment": assignment}
    attempts = params["max_attempts"]
    raise DrawFailed(
        f"object {failed_on} could not be placed in any group in {attempts} attempts",
        failed_on,
        attempts,
    )


def _prefixed(inner: Any, prefix: str) -> Any:
    """The inner HMAC state after the key pad and `prefix`."""
    state = inner.copy()
    state.update(prefix.encode("utf-8"))
    return state


def _ticket(state: Any, rest: bytes, outer_copy: Any) -> bytes:
    """The raw HMAC of (prepared prefix + rest): one inner and one outer copy."""
    inner = state.copy()
    inner.update(rest)
    outer = outer_copy()
    outer.update(inner.digest())
    return outer.digest()


def _rank_members(
    attempt: int,
    able: Mapping[str, list[Any]],
    sizes: Mapping[str, int],
    group_count: int,
    inner: Any,
    outer_copy: Any,
) -> dict[str, list[str]]:
    """As protocol._rank_members: per department (by code), the drawn ids in rank order."""
    taken: dict[str, list[str]] = {}
    for dept in sorted(sizes):
        wanted = group_count * sizes[dept]
        if wanted == 0:  # no ticket can change an empty take
            taken[dept] = []
            continue
        state = _prefixed(inner, f"MEM|{attempt}|{dept}|")
        ranked = sorted(
            (i.load, _ticket(state, i.inspector_id.encode("utf-8"), outer_copy), i.inspector_id)
            for i in able[dept]
        )
        taken[dept] = [inspector_id for _, _, inspector_id in ranked[:wanted]]
    return taken


def _deal(
    objects: Sequence[str],
    object_bytes: Mapping[str, bytes],
    blocked: Mapping[str, int],
    ids: Sequence[str],
    cap: int,
    order_state: Any,
    grp_state: Any,
    outer_copy: Any,
) -> dict[str, str] | str:
    """As protocol._deal, returning the USCC that could not be placed instead of raising.

    `level[c]` is the bitmask of the groups holding exactly c objects (c < cap); the groups an
    object may take are those of the lowest level that still has a group not blocked for it.
    """
    group_count = len(ids)
    order_copy, grp_copy = order_state.copy, grp_state.copy
    keyed = []
    for uscc in objects:
        inner = order_copy()
        inner.update(object_bytes[uscc])
        outer = outer_copy()
        outer.update(inner.digest())
        keyed.append((group_count - blocked.get(uscc, 0).bit_count(), outer.digest(), uscc))
    keyed.sort()
    group_bytes = [group_id.encode("utf-8") for group_id in ids]
    level = [0] * (cap + 1)
    level[0] = (1 << group_count) - 1
    lowest = 0  # the first level that is not empty
    assignment: dict[str, str] = {}
    for _, _, uscc in keyed:
        free = ~blocked.get(uscc, 0)
        count = lowest
        while count < cap:
            tied = level[count] & free
            if tied:
                break
            count += 1
        else:
            return uscc
        if tied & (tied - 1) == 0:
            chosen = tied.bit_length() - 1
        else:
            prefix = grp_copy()
            prefix.update(object_bytes[uscc] + b"|")
            prefix_copy = prefix.copy
            best = None
            while tied:
                bit = tied & -tied
                tied ^= bit
                index = bit.bit_length() - 1
                inner = prefix_copy()
                inner.update(group_bytes[index])
                outer = outer_copy()
                outer.update(inner.digest())
                ticket = outer.digest()
                if best is None or ticket < best:
                    best, chosen = ticket, index
        bit = 1 << chosen
        level[count] ^= bit
        level[count + 1] |= bit
        while lowest < cap and not level[lowest]:
            lowest += 1
        assignment[uscc] = ids[chosen]
    return dict(sorted(assignment.items()))
