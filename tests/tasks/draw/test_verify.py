"""verify_bundle: the known answer and fresh draws verify; each kind of tampering is named."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from tasks.draw.protocol import LogChain, canonical_hash
from tasks.draw.verify import (
    Problem,
    format_report,
    main,
    verify_bundle,
    verify_bundle_text,
)


def codes(bundle: Any) -> set[str]:
    return {problem.code for problem in verify_bundle(bundle).problems}


def test_kat_bundle_is_valid(kat_bundle):
    report = verify_bundle(kat_bundle)
    assert report.problems == []
    assert report.valid
    assert report.seed == kat_bundle["result"]["seed"]
    assert report.recomputed_result == kat_bundle["result"]
    assert not report.voided


def test_fresh_draw_verifies(small_inputs, make_bundle):
    report = verify_bundle(make_bundle(small_inputs))
    assert report.problems == []
    assert report.valid


def test_fresh_draw_with_beacon_and_no_witness_verifies(small_inputs, make_bundle):
    bundle = make_bundle(small_inputs, witnesses=(), beacon="drand-quicknet:123:" + "ab" * 32)
    assert verify_bundle(bundle).problems == []


def test_publish_and_void_after_result_are_accepted_and_void_is_reported(small_inputs, make_bundle):
    report = verify_bundle(make_bundle(small_inputs, after_result=("publish", "void")))
    assert report.valid
    assert report.voided


def tamper_candidate_row(bundle: dict[str, Any]) -> None:
    bundle["candidates"][5] = bundle["candidates"][5].replace(",high,0", ",high,1")


def tamper_secret(bundle: dict[str, Any]) -> None:
    bundle["secret"] = "00" + bundle["secret"][2:]


def tamper_witness(bundle: dict[str, Any]) -> None:
    bundle["witnesses"][0] = "3141592654"


def tamper_assignment(bundle: dict[str, Any]) -> None:
    bundle["result"]["assignment"]["91310100000000007X"] = "G002"


def tamper_log_ts(bundle: dict[str, Any]) -> None:
    bundle["log"][2]["ts"] = "2024-05-06T02:00:01Z"


def tamper_objects(bundle: dict[str, Any]) -> None:
    del bundle["result"]["objects"]["91310100000000014X"]


def tamper_groups(bundle: dict[str, Any]) -> None:
    bundle["result"]["groups"]["G003"]["leader"] = "SAMR011"


def tamper_seed(bundle: dict[str, Any]) -> None:
    bundle["result"]["seed"] = "f" * 64


def tamper_params(bundle: dict[str, Any]) -> None:
    bundle["params"]["max_attempts"] = 21


@pytest.mark.parametrize(
    ("tamper", "expected_code"),
    [
        (tamper_candidate_row, "snapshot_mismatch"),
        (tamper_params, "snapshot_mismatch"),
        (tamper_secret, "commitment"),
        (tamper_secret, "reveal_mismatch"),
        (tamper_witness, "witness_mismatch"),
        (tamper_assignment, "assignment_mismatch"),
        (tamper_assignment, "result_hash"),
        (tamper_log_ts, "log_chain"),
        (tamper_objects, "objects_mismatch"),
        (tamper_groups, "groups_mismatch"),
        (tamper_seed, "seed_mismatch"),
    ],
)
def test_tampered_kat_is_invalid_with_the_right_problem(
    kat_bundle, tamper: Callable[[dict[str, Any]], None], expected_code: str
):
    tamper(kat_bundle)
    report = verify_bundle(kat_bundle)
    assert not report.valid
    assert expected_code in {problem.code for problem in report.problems}


def test_tampered_assignment_names_the_object_and_both_groups(kat_bundle):
    tamper_assignment(kat_bundle)
    mismatches = [p for p in verify_bundle(kat_bundle).problems if p.code == "assignment_mismatch"]
    assert mismatches == [
        Problem(
            "assignment_mismatch",
            "assignment: 91310100000000007X is published as 'G002', recomputed 'G001'",
            {"key": "91310100000000007X", "published": "G002", "recomputed": "G001"},
        )
    ]


def test_tampered_log_ts_names_the_entry(kat_bundle):
    tamper_log_ts(kat_bundle)
    chain_problems = [p for p in verify_bundle(kat_bundle).problems if p.code == "log_chain"]
    assert len(chain_problems) == 1
    assert chain_problems[0].message.startswith("log entry 2 has hash")


def test_a_different_seed_is_reported_in_a_bounded_number_of_lines(kat_bundle):
    # the witnesses of a forged log (made to match): the recomputation names what differs
    kat_bundle["witnesses"][0] = "3141592654"
    log = LogChain()
    for entry in kat_bundle["log"]:
        data = {"value": "3141592654"} if entry is kat_bundle["log"][1] else entry["data"]
        log.append(entry["type"], entry["actor"], data, entry["ts"])
    kat_bundle["log"] = log.entries
    report = verify_bundle(kat_bundle)
    assert len(report.problems) <= 25
    assert {"seed_mismatch", "objects_mismatch"} <= {p.code for p in report.problems}


def test_a_bundle_without_a_log_stops_at_the_log(kat_bundle):
    kat_bundle["log"] = LogChain().entries
    assert codes(kat_bundle) == {"order"}


def test_missing_and_unexpected_keys_are_reported(kat_bundle):
    del kat_bundle["witnesses"]
    kat_bundle["comment"] = "hello"
    report = verify_bundle(kat_bundle)
    assert [(p.code, p.detail) for p in report.problems] == [
        ("missing_key", {"key": "witnesses"}),
        ("unexpected_key", {"key": "comment"}),
    ]


def test_wrong_field_types_are_reported(kat_bundle):
    kat_bundle["candidates"] = "91310100000000000X,low,0"
    assert codes(kat_bundle) == {"bad_type"}


def test_invalid_row_is_reported_with_its_text(kat_bundle):
    kat_bundle["inspectors"][0] = "SAMR000,SAMR,-1,4,LE"
    problems = [p for p in verify_bundle(kat_bundle).problems if p.code == "row_invalid"]
    assert problems[0].detail == {"file": "inspectors", "row": "SAMR000,SAMR,-1,4,LE"}


def test_duplicate_candidate_is_reported(kat_bundle):
    kat_bundle["candidates"].append(kat_bundle["candidates"][0])
    assert "inputs_invalid" in codes(kat_bundle)


def test_events_out_of_order_are_reported(small_inputs, make_bundle):
    bundle = make_bundle(small_inputs)
    entries = bundle["log"]
    log = LogChain()
    for entry in [entries[0], entries[2], entries[1], *entries[3:]]:  # reveal before witness
        log.append(entry["type"], entry["actor"], entry["data"], "2024-05-06T02:00:00Z")
    bundle["log"] = log.entries
    assert codes(bundle) == {"order"}


def test_entries_after_result_other_than_publish_or_void_are_reported(small_inputs, make_bundle):
    bundle = make_bundle(small_inputs, after_result=("witness",))
    assert "order" in codes(bundle)


def test_beacon_not_matching_the_log_is_reported(small_inputs, make_bundle):
    bundle = make_bundle(small_inputs, beacon="drand-quicknet:123:" + "ab" * 32)
    bundle["beacon"] = "drand-quicknet:123:" + "cd" * 32
    assert codes(bundle) == {"beacon_mismatch"}


def test_beacon_from_an_unannounced_round_is_reported(small_inputs, make_bundle):
    bundle = make_bundle(small_inputs, beacon="drand-quicknet:123:" + "ab" * 32)
    bundle["beacon"] = "drand-quicknet:124:" + "ab" * 32
    assert "beacon_mismatch" in codes(bundle)


def test_result_hash_entry_is_checked_against_the_published_result(kat_bundle):
    kat_bundle["result"]["extra"] = 1
    found = codes(kat_bundle)
    assert {"result_shape", "result_hash"} <= found


def test_published_result_equal_to_recomputed_has_the_logged_hash(kat_bundle):
    report = verify_bundle(kat_bundle)
    assert canonical_hash(report.recomputed_result) == kat_bundle["log"][4]["data"]["result_hash"]


def test_verify_bundle_text_accepts_the_kat_file(kat_bundle):
    assert verify_bundle_text(json.dumps(kat_bundle, ensure_ascii=False)).valid


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        '{"task_id": "a", "task_id": "b"}',
        '{"x": NaN}',
        "\ufeff{}",
    ],
)
def test_verify_bundle_text_reports_bad_json(text):
    report = verify_bundle_text(text)
    assert not report.valid
    assert [p.code for p in report.problems] == ["json"]


def test_verify_bundle_text_reports_a_non_object():
    assert [p.code for p in verify_bundle_text("[]").problems] == ["not_an_object"]


def test_command_line_prints_valid_and_exits_zero(kat_bundle, tmp_path, capsys):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(kat_bundle, ensure_ascii=False), encoding="utf-8")
    assert main([str(path)]) == 0
    assert capsys.readouterr().out.startswith("VALID seed=88db1ad8")


def test_command_line_prints_invalid_with_problems_and_exits_one(kat_bundle, tmp_path, capsys):
    tamper_secret(kat_bundle)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(kat_bundle), encoding="utf-8")
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("INVALID\n")
    assert "  - commitment: H(secret) does not equal the announced commitment" in out


def test_command_line_exits_two_for_an_unreadable_file(tmp_path, capsys):
    assert main([str(tmp_path / "missing.json")]) == 2


def test_format_report_lists_each_problem():
    report = verify_bundle_text("[]")
    assert format_report(report) == "INVALID\n  - not_an_object: the bundle is not a JSON object"
