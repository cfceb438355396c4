"""The ssj-draw/1 verifiable draw protocol (see docs: draw-protocol.md).

Pure standard library and free of Django, so that this module is also the reference verifier:
anyone holding a published bundle can recompute a draw bit for bit with SHA-256 and HMAC-SHA256.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from heapq import nsmallest
from typing import Any

ALGORITHM = "ssj-draw/1"
ZERO_HASH = "0" * 64
MUST = "MUST"

ENTRY_TYPES = (
    "announce",
    "witness",
    "beacon",
    "reveal",
    "result",
    "draw_failed",
    "publish",
    "void",
)
ENTRY_KEYS = frozenset({"seq", "prev", "ts", "type", "actor", "data"})
SNAPSHOT_KEYS = ("candidates", "inspectors", "conflicts", "params")
RESULT_KEYS = frozenset({"seed", "objects", "attempt", "groups", "assignment"})
BUNDLE_KEYS = frozenset(
    {
        "task_id",
        "candidates",
        "inspectors",
        "conflicts",
        "params",
        "secret",
        "beacon",
        "witnesses",
        "result",
        "log",
    }
)

USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
IDENTIFIER_RE = re.compile(r"[!-+\--:<-{}~]+")  # printable ASCII without , ; | or space
UINT_RE = re.compile(r"0|[1-9][0-9]*")
HEX64_RE = re.compile(r"[0-9a-f]{64}")
TASK_ID_RE = re.compile(r"[ -~]+")
TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
ANNOUNCED_BEACON_RE = re.compile(r"none|drand-quicknet:[1-9][0-9]*")
BEACON_RE = re.compile(r"none|drand-quicknet:[1-9][0-9]*:[0-9a-f]{64}")

_IPAD = bytes(0x36 for _ in range(64))
_OPAD = bytes(0x5C for _ in range(64))


class ProtocolError(ValueError):
    """Inputs or a record break the protocol; the message says which and why."""


class InfeasibleDraw(ProtocolError):
    """A department has fewer able inspectors than the groups need (§5 step 1)."""

    def __init__(self, dept: str, needed: int, able: int) -> None:
        self.dept = dept
        self.needed = needed
        self.able = able
        super().__init__(
            f"department {dept} needs {needed} able inspectors but only {able} are able"
        )


class DrawFailed(ProtocolError):
    """Every dealing attempt failed (§5 step 3); names the object that could not be placed."""

    def __init__(self, reason: str, object_uscc: str, attempts: int) -> None:
        self.reason = reason
        self.object_uscc = object_uscc
        self.attempts = attempts
        super().__init__(reason)


# --- canonical serialisation (§2) ---------------------------------------------------------------


def _check_json_value(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ValueError(f"{path}: {value!r} is not allowed (only objects, arrays, str and int)")
    if isinstance(value, (str, int)):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{path}: object key {key!r} is not a string")
            _check_json_value(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json_value(item, f"{path}[{index}]")
        return
    raise ValueError(f"{path}: {type(value).__name__} is not JSON")


def canonical_json(value: Any) -> str:
    """Canonical JSON of §2: sorted keys, no whitespace, raw non-ASCII, no floats/bools/null."""
    _check_json_value(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value: Any) -> str:
    """H(canonical JSON), used for params, log entries and results."""
    return sha256_hex(canonical_json(value).encode("utf-8"))


def serialize_rows(rows: Iterable[str]) -> bytes:
    """The file form of §2: rows sorted by bytes (like `LC_ALL=C sort`), each ending with LF."""
    encoded = sorted(row.encode("utf-8") for row in rows)
    return b"".join(row + b"\n" for row in encoded)


def rows_hash(rows: Iterable[str]) -> str:
    return sha256_hex(serialize_rows(rows))


# --- rows (§1) ----------------------------------------------------------------------------------


def _split(line: str, expected: int, kind: str, layout: str) -> list[str]:
    if not isinstance(line, str):
        raise ProtocolError(f"{kind} row {line!r}: not a string")
    fields = line.split(",")
    if len(fields) != expected:
        raise ProtocolError(f"{kind} row {line!r}: expected {expected} fields ({layout})")
    return fields


def _identifier(value: str, what: str, line: str, kind: str) -> str:
    if not IDENTIFIER_RE.fullmatch(value):
        raise ProtocolError(
            f"{kind} row {line!r}: {what} {value!r} must be ASCII without , ; | or whitespace"
        )
    return value


def _uint(value: str, what: str, line: str, kind: str) -> int:
    if not UINT_RE.fullmatch(value):
        raise ProtocolError(f"{kind} row {line!r}: {what} {value!r} is not a non-negative integer")
    return int(value)


def _uscc(value: str, line: str, kind: str) -> str:
    if not USCC_RE.fullmatch(value):
        raise ProtocolError(f"{kind} row {line!r}: {value!r} is not a valid USCC")
    return value


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate-file row `USCC,STRATUM,MUST`."""

    uscc: str
    stratum: str
    must: bool

    @property
    def row(self) -> str:
        return f"{self.uscc},{self.stratum},{int(self.must)}"

    @classmethod
    def parse(cls, line: str) -> Candidate:
        uscc, stratum, must = _split(line, 3, "candidate", "USCC,STRATUM,MUST")
        if must not in ("0", "1"):
            raise ProtocolError(f"candidate row {line!r}: MUST must be 0 or 1")
        return cls(
            _uscc(uscc, line, "candidate"),
            _identifier(stratum, "stratum", line, "candidate"),
            must == "1",
        )


@dataclass(frozen=True, slots=True)
class InspectorRow:
    """An inspector-file row `INSPECTOR_ID,DEPT,LOAD,MAX_LOAD,TAGS` (TAGS `;`-separated)."""

    inspector_id: str
    dept: str
    load: int
    max_load: int
    tags: tuple[str, ...] = ()

    @property
    def row(self) -> str:
        return f"{self.inspector_id},{self.dept},{self.load},{self.max_load},{';'.join(self.tags)}"

    @classmethod
    def parse(cls, line: str) -> InspectorRow:
        layout = "INSPECTOR_ID,DEPT,LOAD,MAX_LOAD,TAGS"
        inspector_id, dept, load, max_load, tags = _split(line, 5, "inspector", layout)
        tag_list = tuple(tags.split(";")) if tags else ()
        for tag in tag_list:
            _identifier(tag, "tag", line, "inspector")
        return cls(
            _identifier(inspector_id, "inspector id", line, "inspector"),
            _identifier(dept, "department", line, "inspector"),
            _uint(load, "LOAD", line, "inspector"),
            _uint(max_load, "MAX_LOAD", line, "inspector"),
            tag_list,
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """A conflict-file row `INSPECTOR_ID,USCC`: the pair must not meet."""

    inspector_id: str
    uscc: str

    @property
    def row(self) -> str:
        return f"{self.inspector_id},{self.uscc}"

    @classmethod
    def parse(cls, line: str) -> Conflict:
        inspector_id, uscc = _split(line, 2, "conflict", "INSPECTOR_ID,USCC")
        return cls(
            _identifier(inspector_id, "inspector id", line, "conflict"),
            _uscc(uscc, line, "conflict"),
        )


# --- params and inputs --------------------------------------------------------------------------


def _require_uint(value: Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProtocolError(f"params: {what} must be an integer >= {minimum}, got {value!r}")
    return value


def stratum_size(n: int, rule: Mapping[str, int]) -> int:
    """k of §4: min(n, count), or ceil(n * rate_bp / 10000) computed with integers."""
    if "count" in rule:
        return min(n, rule["count"])
    return (n * rule["rate_bp"] + 9999) // 10000


def validate_params(
    params: Mapping[str, Any], candidates: Sequence[Candidate] | None = None
) -> None:
    """Check the machine-read part of params (and G <= N given the candidates).

    Descriptive fields (filter definitions, legal basis, snapshot time) are left alone.
    """
    if not isinstance(params, Mapping):
        raise ProtocolError("params must be a JSON object")
    try:
        canonical_json(params)
    except ValueError as error:
        raise ProtocolError(f"params: {error}") from error
    missing = [
        k for k in ("strata", "lead_dept", "groups", "group", "max_attempts") if k not in params
    ]
    if missing:
        raise ProtocolError(f"params: missing {', '.join(missing)}")
    strata = params["strata"]
    if not isinstance(strata, Mapping) or not strata:
        raise ProtocolError("params: strata must be a non-empty object")
    for name, rule in strata.items():
        if not IDENTIFIER_RE.fullmatch(name) or name == MUST:
            raise ProtocolError(f"params: stratum name {name!r} is not allowed")
        if not isinstance(rule, Mapping) or set(rule) not in ({"rate_bp"}, {"count"}):
            raise ProtocolError(f"params: stratum {name} needs exactly one of rate_bp or count")
        ((kind, value),) = rule.items()
        _require_uint(value, f"strata.{name}.{kind}")
        if kind == "rate_bp" and value > 10000:
            raise ProtocolError(f"params: strata.{name}.rate_bp {value} is above 10000 (100 %)")
    groups = _require_uint(params["groups"], "groups", 1)
    group = params["group"]
    if not isinstance(group, Mapping) or not group:
        raise ProtocolError("params: group must be a non-empty object {dept: members per group}")
    for dept, size in group.items():
        if not IDENTIFIER_RE.fullmatch(dept):
            raise ProtocolError(f"params: department code {dept!r} is not allowed")
        _require_uint(size, f"group.{dept}")
    lead = params["lead_dept"]
    if not isinstance(lead, str) or group.get(lead, 0) < 1:
        raise ProtocolError(f"params: group[lead_dept] must be >= 1 (lead_dept {lead!r})")
    if sum(group.values()) < 2:
        raise ProtocolError("params: a group needs at least 2 members (sum of group)")
    _require_uint(params["max_attempts"], "max_attempts", 1)
    required = params.get("required_tags", {})
    if not isinstance(required, Mapping):
        raise ProtocolError("params: required_tags must be an object {dept: [tags]}")
    for dept, tags in required.items():
        if dept not in group:
            raise ProtocolError(f"params: required_tags names {dept!r}, which is not in group")
        if not isinstance(tags, list) or not all(
            isinstance(t, str) and IDENTIFIER_RE.fullmatch(t) for t in tags
        ):
            raise ProtocolError(f"params: required_tags.{dept} must be a list of tags")
    if candidates is not None:
        unknown = sorted({c.stratum for c in candidates} - set(strata))
        if unknown:
            raise ProtocolError(f"params: strata lacks {', '.join(unknown)}, used by candidates")
        planned = planned_object_count(candidates, strata)
        if groups > planned:
            raise ProtocolError(f"params: groups ({groups}) exceeds the {planned} objects drawn")


def planned_object_count(candidates: Iterable[Candidate], strata: Mapping[str, Any]) -> int:
    """N of §5, known before any randomness: MUST rows plus each stratum's k."""
    must = 0
    pool_sizes: dict[str, int] = defaultdict(int)
    for candidate in candidates:
        if candidate.must:
            must += 1
        else:
            pool_sizes[candidate.stratum] += 1
    return must + sum(stratum_size(n, strata[s]) for s, n in pool_sizes.items())


def _reject_duplicates(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ProtocolError(f"{what} {value} appears more than once")
        seen.add(value)


@dataclass
class DrawInputs:
    """The frozen inputs of one draw (§1); validated on construction."""

    task_id: str
    candidates: list[Candidate]
    inspectors: list[InspectorRow]
    conflicts: list[Conflict]
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    @classmethod
    def from_rows(
        cls,
        task_id: str,
        candidates: Iterable[str],
        inspectors: Iterable[str],
        conflicts: Iterable[str],
        params: dict[str, Any],
    ) -> DrawInputs:
        return cls(
            task_id,
            [Candidate.parse(line) for line in candidates],
            [InspectorRow.parse(line) for line in inspectors],
            [Conflict.parse(line) for line in conflicts],
            params,
        )

    def validate(self) -> None:
        if not isinstance(self.task_id, str) or not TASK_ID_RE.fullmatch(self.task_id):
            raise ProtocolError(f"task_id {self.task_id!r} must be non-empty printable ASCII")
        _reject_duplicates((c.uscc for c in self.candidates), "candidate USCC")
        _reject_duplicates((i.inspector_id for i in self.inspectors), "inspector id")
        validate_params(self.params, self.candidates)

    def snapshots(self) -> dict[str, str]:
        """The four input hashes announced before the draw (§3 step 1)."""
        return {
            "candidates": rows_hash(c.row for c in self.candidates),
            "inspectors": rows_hash(i.row for i in self.inspectors),
            "conflicts": rows_hash(c.row for c in self.conflicts),
            "params": canonical_hash(self.params),
        }


# --- ceremony and seed (§3) ---------------------------------------------------------------------


def commitment(secret: bytes) -> str:
    """C = H(S) over the 32 raw bytes of S (not its hex)."""
    return sha256_hex(secret)


def check_secret_hex(secret_hex: str) -> bytes:
    if not isinstance(secret_hex, str) or not HEX64_RE.fullmatch(secret_hex):
        raise ProtocolError("secret must be 64 lowercase hex characters")
    return bytes.fromhex(secret_hex)


def normalise_witness(value: str) -> str:
    """NFC-normalise and trim a witness string; it must be non-empty and single-line."""
    if not isinstance(value, str):
        raise ProtocolError("a witness value must be a string")
    normalised = unicodedata.normalize("NFC", value).strip()
    if "\n" in normalised or "\r" in normalised:
        raise ProtocolError("a witness value must not contain a line break")
    if not normalised:
        raise ProtocolError("a witness value must not be empty")
    return normalised


def seed_statement(
    task_id: str,
    snapshots: Mapping[str, str],
    secret_hex: str,
    beacon: str,
    witnesses: Sequence[str],
) -> str:
    """The LF-terminated seed statement of §3; witnesses must already be normalised."""
    check_secret_hex(secret_hex)
    if not isinstance(beacon, str) or not BEACON_RE.fullmatch(beacon):
        raise ProtocolError(f"beacon {beacon!r} must be none or drand-quicknet:R:<hex>")
    for witness in witnesses:
        if normalise_witness(witness) != witness:
            raise ProtocolError(f"witness {witness!r} is not normalised (NFC, trimmed)")
    if not witnesses and beacon == "none":
        raise ProtocolError("a draw needs at least one witness entry or a beacon")
    lines = [
        ALGORITHM,
        f"task={task_id}",
        *(f"{name}={snapshots[name]}" for name in SNAPSHOT_KEYS),
        f"secret={secret_hex}",
        f"beacon={beacon}",
        *(f"witness={witness}" for witness in witnesses),
    ]
    return "".join(line + "\n" for line in lines)


def compute_seed(
    task_id: str,
    snapshots: Mapping[str, str],
    secret_hex: str,
    beacon: str,
    witnesses: Sequence[str],
) -> str:
    statement = seed_statement(task_id, snapshots, secret_hex, beacon, witnesses)
    return sha256_hex(statement.encode("utf-8"))


class Ticketer:
    """T(m) = HMAC-SHA256(seed hex as ASCII, m), with the key pads hashed once per draw.

    The seed hex is exactly one SHA-256 block (64 bytes), so it is used as the HMAC key directly.
    """

    __slots__ = ("_inner", "_outer", "seed_hex")

    def __init__(self, seed_hex: str) -> None:
        if not isinstance(seed_hex, str) or not HEX64_RE.fullmatch(seed_hex):
            raise ProtocolError("seed must be 64 lowercase hex characters")
        key = seed_hex.encode("ascii")
        self.seed_hex = seed_hex
        self._inner = hashlib.sha256(bytes(k ^ p for k, p in zip(key, _IPAD, strict=True)))
        self._outer = hashlib.sha256(bytes(k ^ p for k, p in zip(key, _OPAD, strict=True)))

    def ticket(self, message: str) -> str:
        inner = self._inner.copy()
        inner.update(message.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


# --- stage 1: objects (§4) ----------------------------------------------------------------------


def stratum_take(pool_usccs: Sequence[str], k: int, ticketer: Ticketer) -> list[str]:
    """The k pool members with the smallest (T("OBJ|" + USCC), USCC), in that order."""
    if k <= 0:
        return []
    ticket = ticketer.ticket
    keyed = [(ticket("OBJ|" + uscc), uscc) for uscc in pool_usccs]
    chosen = nsmallest(k, keyed) if k * 8 < len(keyed) else sorted(keyed)[:k]
    return [uscc for _, uscc in chosen]


def draw_objects(
    candidates: Iterable[Candidate], strata: Mapping[str, Any], ticketer: Ticketer
) -> dict[str, str]:
    """Stage 1: every MUST row, plus k per stratum by ticket; {USCC: stratum | "MUST"} by USCC."""
    selected: dict[str, str] = {}
    pools: dict[str, list[str]] = defaultdict(list)
    for candidate in candidates:
        if candidate.must:
            selected[candidate.uscc] = MUST
        else:
            pools[candidate.stratum].append(candidate.uscc)
    for stratum, pool in pools.items():
        for uscc in stratum_take(pool, stratum_size(len(pool), strata[stratum]), ticketer):
            selected[uscc] = stratum
    return dict(sorted(selected.items()))


# --- stage 2: groups and dealing (§5) -----------------------------------------------------------


def group_ids(count: int) -> list[str]:
    """G001, G002, ...: at least three digits, zero-padded so string order is numeric order."""
    width = max(3, len(str(count)))
    return [f"G{number:0{width}d}" for number in range(1, count + 1)]


def able_inspectors(
    inspectors: Iterable[InspectorRow], params: Mapping[str, Any]
) -> dict[str, list[InspectorRow]]:
    """able(i) per participating department: required tags held and LOAD < MAX_LOAD."""
    required = {dept: set(tags) for dept, tags in params.get("required_tags", {}).items()}
    able: dict[str, list[InspectorRow]] = {dept: [] for dept in params["group"]}
    for inspector in inspectors:
        pool = able.get(inspector.dept)
        if pool is None or inspector.load >= inspector.max_load:
            continue
        if required.get(inspector.dept, set()) <= set(inspector.tags):
            pool.append(inspector)
    return able


def precheck_inspectors(
    inspectors: Iterable[InspectorRow], params: Mapping[str, Any], *, groups: int | None = None
) -> dict[str, list[InspectorRow]]:
    """§5 step 1: each department has G * group[d] able inspectors; returns them by department."""
    group_count = params["groups"] if groups is None else groups
    able = able_inspectors(inspectors, params)
    for dept in sorted(params["group"]):
        needed = group_count * params["group"][dept]
        if len(able[dept]) < needed:
            raise InfeasibleDraw(dept, needed, len(able[dept]))
    return able


class _Unplaceable(Exception):
    def __init__(self, uscc: str) -> None:
        self.uscc = uscc


def _rank_members(
    attempt: int,
    able: Mapping[str, list[InspectorRow]],
    sizes: Mapping[str, int],
    group_count: int,
    ticketer: Ticketer,
) -> dict[str, list[str]]:
    """Per department (by code), the G * group[d] drawn ids in rank order; rank r joins r mod G."""
    taken: dict[str, list[str]] = {}
    for dept in sorted(sizes):
        ranked = sorted(
            (i.load, ticketer.ticket(f"MEM|{attempt}|{dept}|{i.inspector_id}"), i.inspector_id)
            for i in able[dept]
        )
        taken[dept] = [inspector_id for _, _, inspector_id in ranked[: group_count * sizes[dept]]]
    return taken


def _deal(
    attempt: int,
    objects: Sequence[str],
    blocked: Mapping[str, frozenset[int]],
    ids: Sequence[str],
    cap: int,
    ticketer: Ticketer,
) -> dict[str, str]:
    """Deal objects to groups, most constrained first; raises _Unplaceable on a dead end."""
    group_count = len(ids)
    no_block: frozenset[int] = frozenset()
    ticket = ticketer.ticket
    order = sorted(
        (group_count - len(blocked.get(o, no_block)), ticket(f"ORD|{attempt}|{o}"), o)
        for o in objects
    )
    counts = [0] * group_count
    assignment: dict[str, str] = {}
    for _, _, uscc in order:
        skip = blocked.get(uscc, no_block)
        lowest = cap
        tied: list[int] = []
        for index, count in enumerate(counts):
            if count >= cap or count > lowest or index in skip:
                continue
            if count < lowest:
                lowest = count
                tied = [index]
            else:
                tied.append(index)
        if not tied:
            raise _Unplaceable(uscc)
        # Only groups at the lowest count can win, so only they need a GRP ticket.
        if len(tied) == 1:
            chosen = tied[0]
        else:
            chosen = min((ticket(f"GRP|{attempt}|{uscc}|{ids[g]}"), ids[g], g) for g in tied)[2]
        counts[chosen] += 1
        assignment[uscc] = ids[chosen]
    return dict(sorted(assignment.items()))


def draw_groups(
    objects: Sequence[str],
    inspectors: Iterable[InspectorRow],
    conflicts: Iterable[Conflict],
    params: Mapping[str, Any],
    ticketer: Ticketer,
) -> dict[str, Any]:
    """Stage 2: members, leaders and dealing, retried up to max_attempts (§5)."""
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
    failed_on = ""
    for attempt in range(params["max_attempts"]):
        taken = _rank_members(attempt, able, sizes, group_count, ticketer)
        group_of = {
            i: rank % group_count for dept_ids in taken.values() for rank, i in enumerate(dept_ids)
        }
        blocked = {
            uscc: frozenset(group_of[i] for i in inspector_ids if i in group_of)
            for uscc, inspector_ids in conflicts_by_object.items()
        }
        try:
            assignment = _deal(attempt, objects, blocked, ids, cap, ticketer)
        except _Unplaceable as dead_end:
            failed_on = dead_end.uscc
            continue
        groups = {}
        for index, group_id in enumerate(ids):
            members = sorted(i for dept_ids in taken.values() for i in dept_ids[index::group_count])
            leader = min(
                (ticketer.ticket(f"LEAD|{attempt}|{group_id}|{i}"), i)
                for i in taken[lead_dept][index::group_count]
            )[1]
            groups[group_id] = {"leader": leader, "members": members}
        return {"attempt": attempt, "groups": groups, "assignment": assignment}
    attempts = params["max_attempts"]
    raise DrawFailed(
        f"object {failed_on} could not be placed in any group in {attempts} attempts",
        failed_on,
        attempts,
    )


def run_draw(
    inputs: DrawInputs, secret_hex: str, beacon: str, witnesses: Sequence[str]
) -> dict[str, Any]:
    """Seed, stage 1 and stage 2: the §8 result object."""
    seed = compute_seed(inputs.task_id, inputs.snapshots(), secret_hex, beacon, witnesses)
    ticketer = Ticketer(seed)
    objects = draw_objects(inputs.candidates, inputs.params["strata"], ticketer)
    stage2 = draw_groups(
        list(objects), inputs.inspectors, inputs.conflicts, inputs.params, ticketer
    )
    return {"seed": seed, "objects": objects, **stage2}


# --- audit log (§7, §7a) ------------------------------------------------------------------------


def format_ts(value: datetime | str) -> str:
    """ "YYYY-MM-DDTHH:MM:SSZ" in UTC; naive datetimes are refused rather than guessed."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ProtocolError("log timestamps need an aware datetime")
        return value.astimezone(UTC).strftime(TS_FORMAT)
    if not isinstance(value, str) or not TS_RE.fullmatch(value):
        raise ProtocolError(f"timestamp {value!r} is not YYYY-MM-DDTHH:MM:SSZ")
    try:
        datetime.strptime(value, TS_FORMAT)
    except ValueError as error:
        raise ProtocolError(f"timestamp {value!r} is not a real date and time") from error
    return value


def log_entry(
    *, seq: int, prev: str, ts: str, type: str, actor: str, data: dict[str, Any]
) -> dict[str, Any]:
    """A §7a entry with its hash = H(canonical JSON of the entry without "hash")."""
    if type not in ENTRY_TYPES:
        raise ProtocolError(f"log entry type {type!r} is not one of {', '.join(ENTRY_TYPES)}")
    entry = {"seq": seq, "prev": prev, "ts": ts, "type": type, "actor": actor, "data": data}
    return {**entry, "hash": canonical_hash(entry)}


def verify_chain(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """Problems with a draw's hash chain: keys, seq, prev links, timestamps and hashes."""
    problems: list[str] = []
    prev = ZERO_HASH
    last_ts = ""
    for position, entry in enumerate(entries):
        where = f"log entry {position}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where} is not an object")
            prev = ""
            continue
        if set(entry) != ENTRY_KEYS | {"hash"}:
            problems.append(
                f"{where} has keys {sorted(entry)}, expected {sorted(ENTRY_KEYS)} + hash"
            )
            prev = entry.get("hash", "")
            continue
        if entry["seq"] != position or isinstance(entry["seq"], bool):
            problems.append(f"{where} has seq {entry['seq']!r}, expected {position}")
        if entry["prev"] != prev:
            problems.append(f"{where} has prev {entry['prev']!r}, expected {prev}")
        if entry["type"] not in ENTRY_TYPES:
            problems.append(f"{where} has unknown type {entry['type']!r}")
        if not isinstance(entry["actor"], str) or not entry["actor"]:
            problems.append(f"{where} has no actor")
        if not isinstance(entry["data"], Mapping):
            problems.append(f"{where} data is not an object")
        try:
            ts = format_ts(entry["ts"])
        except ProtocolError as error:
            problems.append(f"{where}: {error}")
        else:
            if ts < last_ts:
                problems.append(f"{where} has ts {ts}, earlier than the entry before it")
            last_ts = ts
        body = {key: entry[key] for key in ENTRY_KEYS}
        try:
            expected = canonical_hash(body)
        except ValueError as error:
            problems.append(f"{where} is not canonical JSON: {error}")
        else:
            if entry["hash"] != expected:
                problems.append(f"{where} has hash {entry['hash']!r}, recomputed {expected}")
        prev = entry["hash"]
    return problems


class LogChain:
    """Appends §7a entries to one draw's chain, linking each to the hash before it."""

    def __init__(self, entries: Iterable[dict[str, Any]] = ()) -> None:
        self.entries: list[dict[str, Any]] = list(entries)

    @property
    def head(self) -> str:
        return self.entries[-1]["hash"] if self.entries else ZERO_HASH

    def append(
        self, type: str, actor: str, data: dict[str, Any], ts: datetime | str
    ) -> dict[str, Any]:
        entry = log_entry(
            seq=len(self.entries),
            prev=self.head,
            ts=format_ts(ts),
            type=type,
            actor=actor,
            data=data,
        )
        self.entries.append(entry)
        return entry

    def announce(
        self, inputs: DrawInputs, secret: bytes, beacon: str, *, actor: str, ts: datetime | str
    ) -> dict[str, Any]:
        """The announce entry; runs the §5 pre-check first, as §3 step 1 requires."""
        if not ANNOUNCED_BEACON_RE.fullmatch(beacon):
            raise ProtocolError(f"announced beacon {beacon!r} must be none or drand-quicknet:R")
        precheck_inspectors(inputs.inspectors, inputs.params)
        data = {"snapshots": inputs.snapshots(), "commitment": commitment(secret), "beacon": beacon}
        return self.append("announce", actor, data, ts)

    def witness(self, value: str, *, actor: str, ts: datetime | str) -> dict[str, Any]:
        return self.append("witness", actor, {"value": normalise_witness(value)}, ts)

    def reveal(self, secret_hex: str, *, actor: str, ts: datetime | str) -> dict[str, Any]:
        check_secret_hex(secret_hex)
        return self.append("reveal", actor, {"secret": secret_hex}, ts)

    def result(self, result: dict[str, Any], *, actor: str, ts: datetime | str) -> dict[str, Any]:
        return self.append("result", actor, {"result_hash": canonical_hash(result)}, ts)

    def draw_failed(self, reason: str, *, actor: str, ts: datetime | str) -> dict[str, Any]:
        return self.append("draw_failed", actor, {"reason": reason}, ts)


# --- bundle (§8) --------------------------------------------------------------------------------


def build_bundle(
    inputs: DrawInputs,
    secret_hex: str,
    beacon: str,
    witnesses: Sequence[str],
    result: dict[str, Any],
    log: LogChain | Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The published bundle: exactly the §8 keys, rows in canonical (byte) order."""
    entries = log.entries if isinstance(log, LogChain) else log

    def sorted_rows(rows: Iterable[str]) -> list[str]:
        return sorted(rows, key=lambda row: row.encode("utf-8"))

    return {
        "task_id": inputs.task_id,
        "candidates": sorted_rows(c.row for c in inputs.candidates),
        "inspectors": sorted_rows(i.row for i in inputs.inspectors),
        "conflicts": sorted_rows(c.row for c in inputs.conflicts),
        "params": inputs.params,
        "secret": secret_hex,
        "beacon": beacon,
        "witnesses": list(witnesses),
        "result": result,
        "log": [dict(entry) for entry in entries],
    }
