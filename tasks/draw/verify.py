"""Independent verification of a published ssj-draw/1 bundle (§9 steps 2, 3 and 5).

Every failed check adds a `Problem` with a stable `code`, so that callers (the Django verify page,
the management command) can translate it; `message` is plain English for the command line.
Beacon signatures (§9 step 4) need a drand client and the network, so they are not checked here.

The checks run in stages, cheapest first (shape, log chain, the anchors given, ceremony, rows,
input hashes, work limit, then the recomputation); the first stage with a problem ends the
verification, so a bundle that is already wrong never costs a recomputation. The recomputation
runs no more stage-2 attempts than the published attempt needs, and never more than
`max_attempts_limit` (a bundle asking for more is reported as `work_limit`, not verified).

A public bundle (§8.3: `"conflicts_scope": "drawn"`) carries only the conflict rows of drawn
objects; its conflict file's hash is taken from the announce entry, a row of an object that was
not drawn is rejected, and the report says that the rows' completeness needs the full bundle.

An archived announcement (`--announcement FILE`: the announce entry, or the platform's
announcement document holding it) or a published head (`--head HASH`) anchors the bundle to what
was public before the draw: a bundle re-computed from scratch afterwards, however consistent,
then fails.

Usage: python -m tasks.draw.verify BUNDLE.json [--announcement FILE] [--head HASH]
       [--max-attempts N]   (BUNDLE.json may be - for standard input)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .protocol import (
    ANNOUNCED_BEACON_RE,
    BUNDLE_KEYS,
    HEX64_RE,
    RESULT_KEYS,
    SNAPSHOT_KEYS,
    Candidate,
    Conflict,
    DrawInputs,
    InspectorRow,
    ProtocolError,
    Ticketer,
    canonical_hash,
    commitment,
    compute_seed,
    draw_groups,
    draw_objects,
    normalise_witness,
    rows_hash,
    verify_chain,
)

__all__ = [
    "Problem",
    "VerificationReport",
    "format_report",
    "main",
    "verify_bundle",
    "verify_bundle_text",
]

MAX_ROW_PROBLEMS = 20
LINES_PER_PART = 6
DEFAULT_MAX_ATTEMPTS = 100  # the platform never announces more (tasks.models.MAX_ATTEMPTS_LIMIT)
PUBLIC_SCOPE = "drawn"
OPTIONAL_KEYS = frozenset({"conflicts_scope"})
PUBLIC_NOTE = (
    "public bundle: only the conflict rows of drawn objects are published; their hash comes "
    "from the announcement, and their completeness is checked with the full bundle only"
)
ORDER_RE = re.compile(r"A[WB]+RF[PV]*")
TYPE_LETTERS = {
    "announce": "A",
    "witness": "W",
    "beacon": "B",
    "reveal": "R",
    "result": "F",
    "publish": "P",
    "void": "V",
}
ROW_PARSERS = {
    "candidates": Candidate.parse,
    "inspectors": InspectorRow.parse,
    "conflicts": Conflict.parse,
}
LOG_DATA_KEYS = {
    "announce": {"snapshots", "commitment", "beacon"},
    "witness": {"value"},
    "beacon": {"value"},
    "reveal": {"secret"},
    "result": {"result_hash"},
}


@dataclass(frozen=True)
class Problem:
    """One failed check; `code` is stable, `message` is English, `detail` holds the values."""

    code: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class VerificationReport:
    valid: bool
    problems: list[Problem]
    recomputed_result: dict[str, Any] | None = None
    seed: str | None = None
    voided: bool = False
    head: str | None = None  # the hash of the bundle's last log entry
    commitment: str | None = None  # the announced C = H(S)
    public: bool = False  # a public bundle (conflict rows of drawn objects only)
    incomplete: bool = False  # not verified: the work limit was reached


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


_FIELD_TYPES: dict[str, tuple[str, Any]] = {
    "task_id": ("a string", lambda v: isinstance(v, str)),
    "candidates": ("a list of strings", _is_str_list),
    "inspectors": ("a list of strings", _is_str_list),
    "conflicts": ("a list of strings", _is_str_list),
    "params": ("an object", lambda v: isinstance(v, dict)),
    "secret": ("a string", lambda v: isinstance(v, str)),
    "beacon": ("a string", lambda v: isinstance(v, str)),
    "witnesses": ("a list of strings", _is_str_list),
    "result": ("an object", lambda v: isinstance(v, dict)),
    "log": ("a list of objects", lambda v: isinstance(v, list)),
}


def _shape_problems(bundle: Any) -> list[Problem]:
    if not isinstance(bundle, dict):
        return [Problem("not_an_object", "the bundle is not a JSON object")]
    problems = [
        Problem("missing_key", f"the bundle has no {key!r}", {"key": key})
        for key in sorted(BUNDLE_KEYS - bundle.keys())
    ]
    problems += [
        Problem("unexpected_key", f"the bundle has an unexpected key {key!r}", {"key": key})
        for key in sorted(bundle.keys() - BUNDLE_KEYS - OPTIONAL_KEYS)
    ]
    for key, (expected, check) in _FIELD_TYPES.items():
        if key in bundle and not check(bundle[key]):
            problems.append(Problem("bad_type", f"{key} must be {expected}", {"key": key}))
    if "conflicts_scope" in bundle and bundle["conflicts_scope"] != PUBLIC_SCOPE:
        problems.append(
            Problem(
                "bad_type", f"conflicts_scope must be {PUBLIC_SCOPE!r}", {"key": "conflicts_scope"}
            )
        )
    return problems


def _is_public(bundle: dict[str, Any]) -> bool:
    return bundle.get("conflicts_scope") == PUBLIC_SCOPE


def _log_problems(log: list[Any]) -> list[Problem]:
    problems = [Problem("log_chain", message) for message in verify_chain(log)]
    sequence = [_entry_type(entry) for entry in log]
    if not ORDER_RE.fullmatch("".join(TYPE_LETTERS.get(t or "", "?") for t in sequence)):
        problems.append(
            Problem(
                "order",
                "log events must run announce, (witness|beacon)+, reveal, result, then "
                f"publish/void only; found {sequence}",
                {"types": sequence},
            )
        )
    for position, entry in enumerate(log):
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            continue
        expected = LOG_DATA_KEYS.get(_entry_type(entry) or "")
        if expected is not None and set(entry["data"]) != expected:
            problems.append(
                Problem(
                    "log_data",
                    f"log entry {position} ({entry['type']}) data has keys "
                    f"{sorted(entry['data'])}, expected {sorted(expected)}",
                    {"seq": position},
                )
            )
    return problems


def _entry_type(entry: Any) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("type"), str):
        return entry["type"]
    return None


def _entries(log: list[Any], entry_type: str) -> list[dict[str, Any]]:
    return [
        entry
        for entry in log
        if _entry_type(entry) == entry_type and isinstance(entry.get("data"), dict)
    ]


def _ceremony_problems(bundle: dict[str, Any]) -> list[Problem]:
    """Commitment, reveal, witnesses and beacon in the bundle against the log."""
    problems: list[Problem] = []
    log = bundle["log"]
    announce = (_entries(log, "announce") or [{"data": {}}])[0]["data"]
    secret = bundle["secret"]
    if not HEX64_RE.fullmatch(secret):
        problems.append(Problem("secret_format", "secret must be 64 lowercase hex characters"))
    elif announce.get("commitment") != commitment(bytes.fromhex(secret)):
        problems.append(
            Problem(
                "commitment",
                "H(secret) does not equal the announced commitment",
                {
                    "announced": announce.get("commitment"),
                    "recomputed": commitment(bytes.fromhex(secret)),
                },
            )
        )
    reveals = [entry["data"].get("secret") for entry in _entries(log, "reveal")]
    if reveals != [secret]:
        problems.append(
            Problem(
                "reveal_mismatch",
                "the revealed secret in the log is not the bundle's secret",
                {"revealed": reveals},
            )
        )
    logged = [entry["data"].get("value") for entry in _entries(log, "witness")]
    if logged != bundle["witnesses"]:
        problems.append(
            Problem(
                "witness_mismatch",
                "the bundle's witnesses differ from the witness log entries, in order",
                {"bundle": bundle["witnesses"], "log": logged},
            )
        )
    for witness in bundle["witnesses"]:
        try:
            valid = normalise_witness(witness) == witness
        except ProtocolError:
            valid = False
        if not valid:
            problems.append(
                Problem("witness_invalid", f"witness {witness!r} is not NFC, trimmed, one line")
            )
    problems += _beacon_problems(bundle["beacon"], announce.get("beacon"), log)
    return problems


def _beacon_problems(beacon: str, announced: Any, log: list[Any]) -> list[Problem]:
    beacons = [entry["data"].get("value") for entry in _entries(log, "beacon")]
    if not isinstance(announced, str) or not ANNOUNCED_BEACON_RE.fullmatch(announced):
        return [Problem("beacon_mismatch", f"the announced beacon {announced!r} is malformed")]
    if beacon == "none":
        if announced != "none" or beacons:
            return [Problem("beacon_mismatch", "the bundle says no beacon, but the log has one")]
        return []
    if announced == "none" or not beacon.startswith(announced + ":"):
        return [
            Problem(
                "beacon_mismatch",
                f"beacon {beacon!r} is not the announced round {announced!r}",
                {"beacon": beacon, "announced": announced},
            )
        ]
    if beacons != [beacon]:
        return [
            Problem(
                "beacon_mismatch",
                "the beacon log entry differs from the bundle's beacon",
                {"bundle": beacon, "log": beacons},
            )
        ]
    return []


def _snapshot_problems(bundle: dict[str, Any]) -> list[Problem]:
    announced = (_entries(bundle["log"], "announce") or [{"data": {}}])[0]["data"].get("snapshots")
    if not isinstance(announced, dict):
        return [Problem("snapshot_mismatch", "the announce entry has no snapshots")]
    problems = []
    for name in SNAPSHOT_KEYS:
        if name == "conflicts" and _is_public(bundle):
            continue  # §8.3: taken from the announce entry; the rows are checked by the recompute
        try:
            recomputed = (
                canonical_hash(bundle[name]) if name == "params" else rows_hash(bundle[name])
            )
        except ValueError as error:
            problems.append(Problem("inputs_invalid", f"params are not canonical JSON: {error}"))
            continue
        if announced.get(name) != recomputed:
            problems.append(
                Problem(
                    "snapshot_mismatch",
                    f"the {name} hash {recomputed} is not the announced {announced.get(name)}",
                    {"file": name, "announced": announced.get(name), "recomputed": recomputed},
                )
            )
    return problems


def _parse_inputs(bundle: dict[str, Any]) -> tuple[DrawInputs | None, list[Problem]]:
    problems = []
    for name, parse in ROW_PARSERS.items():
        for line in bundle[name]:
            try:
                parse(line)
            except ProtocolError as error:
                problems.append(Problem("row_invalid", str(error), {"file": name, "row": line}))
                if len(problems) >= MAX_ROW_PROBLEMS:
                    return None, problems
    if problems:
        return None, problems
    try:
        inputs = DrawInputs.from_rows(
            bundle["task_id"],
            bundle["candidates"],
            bundle["inspectors"],
            bundle["conflicts"],
            bundle["params"],
        )
    except ProtocolError as error:
        return None, [Problem("inputs_invalid", str(error))]
    return inputs, []


def _announced_snapshots(bundle: dict[str, Any]) -> dict[str, str]:
    return (_entries(bundle["log"], "announce") or [{"data": {}}])[0]["data"]["snapshots"]


def _attempts_needed(bundle: dict[str, Any]) -> int:
    """Stage 2 is re-run up to the published attempt (a valid result succeeds there and no
    earlier); a missing or impossible attempt needs every attempt the params allow."""
    max_attempts = bundle["params"].get("max_attempts")
    attempt = bundle["result"].get("attempt")
    if isinstance(attempt, int) and not isinstance(attempt, bool) and 0 <= attempt < max_attempts:
        return attempt + 1
    return max_attempts


def _work_problems(bundle: dict[str, Any], limit: int) -> list[Problem]:
    needed = _attempts_needed(bundle)
    if needed > limit:
        return [
            Problem(
                "work_limit",
                f"re-computing this bundle takes up to {needed} stage-2 attempts, more than the "
                f"limit of {limit}; it was not verified (the stand-alone verifier takes "
                "--max-attempts N)",
                {"attempts": needed, "limit": limit},
            )
        ]
    return []


def _recompute(
    inputs: DrawInputs, bundle: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None, list[Problem]]:
    try:
        seed = compute_seed(
            inputs.task_id,
            _announced_snapshots(bundle),
            bundle["secret"],
            bundle["beacon"],
            bundle["witnesses"],
        )
    except ProtocolError as error:
        return None, None, [Problem("seed_inputs", f"the seed cannot be computed: {error}")]
    ticketer = Ticketer(seed)
    objects = draw_objects(inputs.candidates, inputs.params["strata"], ticketer)
    if _is_public(bundle):
        undrawn = sorted(c.row for c in inputs.conflicts if c.uscc not in objects)
        if undrawn:
            return (
                None,
                seed,
                [
                    Problem(
                        "conflict_not_drawn",
                        f"the public bundle has conflict rows of objects that were not drawn: "
                        f"{', '.join(undrawn[:5])}",
                        {"rows": undrawn[:20]},
                    )
                ],
            )
    params = {**inputs.params, "max_attempts": _attempts_needed(bundle)}
    try:
        stage2 = draw_groups(list(objects), inputs.inspectors, inputs.conflicts, params, ticketer)
    except ProtocolError as error:
        detail = {k: v for k, v in vars(error).items() if isinstance(v, (str, int))}
        return (
            None,
            seed,
            [Problem("recompute_failed", f"the recomputed draw fails: {error}", detail)],
        )
    return {"seed": seed, "objects": objects, **stage2}, seed, []


def _mapping_differences(
    code: str, what: str, published: Any, recomputed: Mapping[str, Any]
) -> Iterator[Problem]:
    if not isinstance(published, dict):
        yield Problem(code, f"result {what} is not an object")
        return
    for key in sorted(published.keys() | recomputed.keys()):
        if key not in recomputed:
            yield Problem(code, f"{what}: {key} is published but not drawn", {"key": key})
        elif key not in published:
            yield Problem(code, f"{what}: {key} is drawn but not published", {"key": key})
        elif published[key] != recomputed[key]:
            yield Problem(
                code,
                f"{what}: {key} is published as {published[key]!r}, recomputed {recomputed[key]!r}",
                {"key": key, "published": published[key], "recomputed": recomputed[key]},
            )


def _result_differences(published: dict[str, Any], recomputed: dict[str, Any]) -> list[Problem]:
    differences: list[Problem] = []
    if set(published) != RESULT_KEYS:
        differences.append(
            Problem(
                "result_shape",
                f"result has keys {sorted(published)}, expected {sorted(RESULT_KEYS)}",
            )
        )
    if published.get("seed") != recomputed["seed"]:
        differences.append(
            Problem(
                "seed_mismatch",
                f"seed is published as {published.get('seed')!r}, recomputed {recomputed['seed']}",
                {"published": published.get("seed"), "recomputed": recomputed["seed"]},
            )
        )
    if published.get("attempt") != recomputed["attempt"]:
        differences.append(
            Problem(
                "attempt_mismatch",
                f"attempt is published as {published.get('attempt')!r}, "
                f"recomputed {recomputed['attempt']}",
            )
        )
    parts = [
        ("objects_mismatch", "objects"),
        ("groups_mismatch", "groups"),
        ("assignment_mismatch", "assignment"),
    ]
    for code, part in parts:
        found = list(_mapping_differences(code, part, published.get(part), recomputed[part]))
        differences += found[:LINES_PER_PART]
        if len(found) > LINES_PER_PART:
            hidden = len(found) - LINES_PER_PART
            differences.append(
                Problem(code, f"{part}: and {hidden} more differences", {"more": hidden})
            )
    return differences


def _result_hash_problems(bundle: dict[str, Any]) -> list[Problem]:
    entries = _entries(bundle["log"], "result")
    if not entries:
        return []
    logged = entries[0]["data"].get("result_hash")
    try:
        recomputed = canonical_hash(bundle["result"])
    except ValueError as error:
        return [Problem("result_shape", f"result is not canonical JSON: {error}")]
    if logged != recomputed:
        return [
            Problem(
                "result_hash",
                f"H(result) is {recomputed}, the result log entry says {logged!r}",
                {"logged": logged, "recomputed": recomputed},
            )
        ]
    return []


def _announcement_entry(announcement: Any) -> tuple[Any, Any]:
    """(announce entry, task id or None) of an archived announcement: the entry itself, or a
    document holding it under "announce" (as the platform publishes it)."""
    if isinstance(announcement, dict) and "announce" in announcement:
        return announcement["announce"], announcement.get("task_id")
    return announcement, None


def _anchor_problems(
    bundle: dict[str, Any], announcement: Any | None, head: str | None
) -> list[Problem]:
    problems = []
    log = bundle["log"]
    if announcement is not None:
        entry, task_id = _announcement_entry(announcement)
        if not log or log[0] != entry:
            problems.append(
                Problem(
                    "announcement_mismatch",
                    "the bundle's announce entry is not the archived announcement "
                    f"(archived hash {entry.get('hash') if isinstance(entry, dict) else None!r}, "
                    f"bundle {log[0].get('hash') if log and isinstance(log[0], dict) else None!r})",
                )
            )
        elif task_id is not None and task_id != bundle["task_id"]:
            problems.append(
                Problem(
                    "announcement_mismatch",
                    f"the archived announcement is for task {task_id!r}, the bundle for "
                    f"{bundle['task_id']!r}",
                )
            )
    if head is not None:
        hashes = [entry.get("hash") for entry in log if isinstance(entry, dict)]
        if head.strip().lower() not in hashes:
            problems.append(
                Problem(
                    "head_mismatch",
                    f"the published head {head} is not the hash of any entry of the bundle's log",
                    {"head": head},
                )
            )
    return problems


def verify_bundle(
    bundle: Any,
    *,
    announcement: Any | None = None,
    head: str | None = None,
    max_attempts_limit: int = DEFAULT_MAX_ATTEMPTS,
) -> VerificationReport:
    """Run every §9 check that needs nothing but the bundle (and the anchors given), stage by
    stage; the first stage with a problem ends the verification."""
    problems = _shape_problems(bundle)
    if problems:
        return VerificationReport(valid=False, problems=problems)
    log = bundle["log"]
    announce = (_entries(log, "announce") or [{"data": {}}])[0]["data"]
    report = VerificationReport(
        valid=False,
        problems=[],
        voided=bool(_entries(log, "void")),
        head=log[-1].get("hash") if log and isinstance(log[-1], dict) else None,
        commitment=announce.get("commitment"),
        public=_is_public(bundle),
    )
    stages = [
        lambda: _log_problems(log),
        lambda: _anchor_problems(bundle, announcement, head),
        lambda: _ceremony_problems(bundle),
    ]
    for stage in stages:
        report.problems = stage()
        if report.problems:
            return report
    inputs, report.problems = _parse_inputs(bundle)
    if inputs is None or report.problems:
        return report
    report.problems = _snapshot_problems(bundle)
    if report.problems:
        return report
    report.problems = _work_problems(bundle, max_attempts_limit)
    if report.problems:
        report.incomplete = True
        return report
    recomputed, report.seed, report.problems = _recompute(inputs, bundle)
    if recomputed is not None:
        report.recomputed_result = recomputed
        report.problems = _result_differences(bundle["result"], recomputed)
    report.problems += _result_hash_problems(bundle)
    report.valid = not report.problems
    return report


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json(text: str) -> Any:
    """Strict JSON: duplicate keys and NaN/Infinity are refused (ValueError)."""
    return json.loads(
        text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
    )


def verify_bundle_text(text: str, **options: Any) -> VerificationReport:
    """Parse and verify a bundle; invalid or ambiguous JSON (duplicate keys, NaN) is a problem."""
    try:
        bundle = parse_json(text)
    except json.JSONDecodeError as error:
        detail = {"line": error.lineno, "column": error.colno}
        return VerificationReport(False, [Problem("json", f"not valid JSON: {error}", detail)])
    except ValueError as error:
        return VerificationReport(False, [Problem("json", f"not valid JSON: {error}")])
    return verify_bundle(bundle, **options)


def format_report(report: VerificationReport) -> str:
    if report.valid:
        lines = [f"VALID seed={report.seed}"]
    elif report.incomplete:
        lines = ["NOT VERIFIED", *(f"  - {problem}" for problem in report.problems)]
    else:
        lines = ["INVALID", *(f"  - {problem}" for problem in report.problems)]
    if report.head:
        lines.append(f"head={report.head}")
    if report.commitment:
        lines.append(f"commitment={report.commitment}")
    if report.valid and report.voided:
        lines.append("note: the log records that this draw was voided")
    if report.valid and report.public:
        lines.append(f"note: {PUBLIC_NOTE}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 for a valid bundle, 1 for an invalid one, 2 when the file cannot be read."""
    parser = argparse.ArgumentParser(
        prog="python -m tasks.draw.verify",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        options = options_from_arguments(args)
        raw = _read(args.bundle)
    except (OSError, ValueError) as error:
        print(str(error), file=sys.stderr)
        return 2
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        report = VerificationReport(False, [Problem("json", f"not UTF-8: {error}")])
    else:
        report = verify_bundle_text(text, **options)
    print(format_report(report))
    return 0 if report.valid else 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The verifier's options, shared with `manage.py verify_draw`."""
    parser.add_argument("bundle", help="bundle JSON file, or - for standard input")
    parser.add_argument(
        "--announcement",
        metavar="FILE",
        help="the announcement as archived before the draw (its announce entry must be the "
        "bundle's first log entry)",
    )
    parser.add_argument(
        "--head",
        metavar="HASH",
        help="a draw log head published before the draw (it must be one of the bundle's entries)",
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=DEFAULT_MAX_ATTEMPTS,
        metavar="N",
        help=f"re-compute at most N stage-2 attempts (default {DEFAULT_MAX_ATTEMPTS})",
    )


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise OSError(f"cannot read {path}: {error.strerror}") from error


def options_from_arguments(args: argparse.Namespace) -> dict[str, Any]:
    """verify_bundle's keyword arguments from the parsed options; ValueError for an unreadable
    announcement file."""
    options: dict[str, Any] = {"max_attempts_limit": args.max_attempts}
    if args.announcement:
        try:
            options["announcement"] = parse_json(_read(args.announcement).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ValueError(
                f"the announcement {args.announcement} is not valid JSON: {error}"
            ) from error
    if args.head:
        options["head"] = args.head
    return options


if __name__ == "__main__":
    sys.exit(main())
