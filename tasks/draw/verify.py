"""Independent verification of a published ssj-draw/1 bundle (§9 steps 2, 3 and 5).

Every failed check adds a `Problem` with a stable `code`, so that callers (the Django verify page,
the management command) can translate it; `message` is plain English for the command line.
Beacon signatures (§9 step 4) need a drand client and the network, so they are not checked here.

Usage: python -m tasks.draw.verify BUNDLE.json  (or - for standard input)
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

MAX_ROW_PROBLEMS = 20
LINES_PER_PART = 6
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
        for key in sorted(bundle.keys() - BUNDLE_KEYS)
    ]
    for key, (expected, check) in _FIELD_TYPES.items():
        if key in bundle and not check(bundle[key]):
            problems.append(Problem("bad_type", f"{key} must be {expected}", {"key": key}))
    return problems


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


def _recompute(
    inputs: DrawInputs, bundle: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None, list[Problem]]:
    try:
        seed = compute_seed(
            inputs.task_id,
            inputs.snapshots(),
            bundle["secret"],
            bundle["beacon"],
            bundle["witnesses"],
        )
    except ProtocolError as error:
        return None, None, [Problem("seed_inputs", f"the seed cannot be computed: {error}")]
    ticketer = Ticketer(seed)
    objects = draw_objects(inputs.candidates, inputs.params["strata"], ticketer)
    try:
        stage2 = draw_groups(
            list(objects), inputs.inspectors, inputs.conflicts, inputs.params, ticketer
        )
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


def verify_bundle(bundle: Any) -> VerificationReport:
    """Run every §9 check that needs nothing but the bundle; collect all problems found."""
    problems = _shape_problems(bundle)
    if problems:
        return VerificationReport(valid=False, problems=problems)
    problems += _log_problems(bundle["log"])
    problems += _ceremony_problems(bundle)
    problems += _snapshot_problems(bundle)
    inputs, input_problems = _parse_inputs(bundle)
    problems += input_problems
    recomputed = seed = None
    if inputs is not None and HEX64_RE.fullmatch(bundle["secret"]):
        recomputed, seed, recompute_problems = _recompute(inputs, bundle)
        problems += recompute_problems
        if recomputed is not None:
            problems += _result_differences(bundle["result"], recomputed)
    problems += _result_hash_problems(bundle)
    voided = bool(_entries(bundle["log"], "void"))
    return VerificationReport(
        valid=not problems,
        problems=problems,
        recomputed_result=recomputed,
        seed=seed,
        voided=voided,
    )


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def verify_bundle_text(text: str) -> VerificationReport:
    """Parse and verify a bundle; invalid or ambiguous JSON (duplicate keys, NaN) is a problem."""
    try:
        bundle = json.loads(
            text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as error:
        detail = {"line": error.lineno, "column": error.colno}
        return VerificationReport(False, [Problem("json", f"not valid JSON: {error}", detail)])
    except ValueError as error:
        return VerificationReport(False, [Problem("json", f"not valid JSON: {error}")])
    return verify_bundle(bundle)


def format_report(report: VerificationReport) -> str:
    if report.valid:
        lines = [f"VALID seed={report.seed}"]
        if report.voided:
            lines.append("note: the log records that this draw was voided")
    else:
        lines = ["INVALID", *(f"  - {problem}" for problem in report.problems)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Exit 0 for a valid bundle, 1 for an invalid one, 2 when the file cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m tasks.draw.verify", description=__doc__)
    parser.add_argument("bundle", help="bundle JSON file, or - for standard input")
    args = parser.parse_args(argv)
    try:
        if args.bundle == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.bundle, "rb") as handle:
                raw = handle.read()
    except OSError as error:
        print(f"cannot read {args.bundle}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        report = VerificationReport(False, [Problem("json", f"not UTF-8: {error}")])
    else:
        report = verify_bundle_text(text)
    print(format_report(report))
    return 0 if report.valid else 1


if __name__ == "__main__":
    sys.exit(main())
