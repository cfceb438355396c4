"""The verifier's work is capped and its anchors are checked (issues 10 and 11).

- it stops at the first failed check: a snapshot mismatch never reaches the recomputation;
- it never re-computes more stage-2 attempts than its limit, whatever max_attempts says, and no
  more than the published attempt needs;
- it verifies public bundles (conflict rows of drawn objects only, "conflicts_scope": "drawn");
- it prints the log head and the commitment, and with `--announcement FILE` or `--head HASH`
  rejects a bundle re-computed from scratch after the announcement (a forgery that is
  self-consistent).
"""

import json
from unittest import mock

import pytest

from tasks.draw import protocol, verify
from tasks.draw.protocol import (
    DrawInputs,
    LogChain,
    Ticketer,
    build_bundle,
    compute_seed,
    draw_objects,
)
from tasks.draw.verify import main, verify_bundle


def codes(report) -> set[str]:
    return {problem.code for problem in report.problems}


def test_a_snapshot_mismatch_stops_before_any_recomputation(kat_bundle):
    kat_bundle["candidates"][5] = kat_bundle["candidates"][5].replace(",high,0", ",high,1")
    with (
        mock.patch.object(verify, "draw_objects", wraps=verify.draw_objects) as stage1,
        mock.patch.object(verify, "draw_groups", wraps=verify.draw_groups) as stage2,
    ):
        report = verify_bundle(kat_bundle)
    assert codes(report) == {"snapshot_mismatch"}
    assert stage1.call_count == 0 and stage2.call_count == 0


def test_a_changed_witness_stops_at_the_ceremony(kat_bundle):
    kat_bundle["witnesses"][0] = "3141592654"
    with mock.patch.object(verify, "draw_objects", wraps=verify.draw_objects) as stage1:
        report = verify_bundle(kat_bundle)
    assert codes(report) == {"witness_mismatch"}
    assert stage1.call_count == 0


def _hopeless(max_attempts: int) -> DrawInputs:
    """Every inspector conflicts with every object: no dealing attempt can ever succeed."""
    candidates = [f"91310100{n:09d}X,low,0" for n in range(6)]
    inspectors = ["SAMR-01,SAMR,0,5,", "SAMR-02,SAMR,0,5,", "EPB-01,EPB,0,5,", "EPB-02,EPB,0,5,"]
    conflicts = [f"{i.split(',')[0]},91310100{n:09d}X" for i in inspectors for n in range(6)]
    params = {
        "strata": {"low": {"rate_bp": 10000}},
        "lead_dept": "SAMR",
        "groups": 2,
        "group": {"SAMR": 1, "EPB": 1},
        "max_attempts": max_attempts,
    }
    return DrawInputs.from_rows("2024-HOPELESS", candidates, inspectors, conflicts, params)


def _forged_success(inputs: DrawInputs, attempt: int) -> dict:
    """A self-consistent bundle (hashes, commitment, log) claiming a success at `attempt` for
    inputs where every attempt fails: only the recomputation can tell."""
    secret = bytes(range(32))
    log = LogChain()
    log.announce(inputs, secret, "none", actor="SAMR", ts="2024-05-06T01:00:00Z")
    log.witness("1", actor="EPB", ts="2024-05-06T02:00:00Z")
    log.reveal(secret.hex(), actor="SAMR", ts="2024-05-06T02:11:00Z")
    seed = compute_seed(inputs.task_id, inputs.snapshots(), secret.hex(), "none", ["1"])
    objects = draw_objects(inputs.candidates, inputs.params["strata"], Ticketer(seed))
    result = {
        "seed": seed,
        "objects": objects,
        "attempt": attempt,
        "groups": {
            "G001": {"leader": "SAMR-01", "members": ["EPB-01", "SAMR-01"]},
            "G002": {"leader": "SAMR-02", "members": ["EPB-02", "SAMR-02"]},
        },
        "assignment": {uscc: "G001" if n % 2 else "G002" for n, uscc in enumerate(objects)},
    }
    log.result(result, actor="system", ts="2024-05-06T02:11:01Z")
    return build_bundle(inputs, secret.hex(), "none", ["1"], result, log)


def test_a_huge_max_attempts_is_not_recomputed_beyond_the_limit():
    bundle = _forged_success(_hopeless(20_000), attempt=19_999)
    with mock.patch.object(protocol, "_deal", wraps=protocol._deal) as deal:
        report = verify_bundle(bundle)
    assert "work_limit" in codes(report)
    assert not report.valid and report.incomplete
    assert deal.call_count == 0


def test_the_recomputation_needs_no_more_attempts_than_the_published_one(small_inputs, make_bundle):
    params = {**small_inputs.params, "max_attempts": 1_000_000}
    inputs = DrawInputs(
        small_inputs.task_id, small_inputs.candidates, small_inputs.inspectors,
        small_inputs.conflicts, params,
    )  # fmt: skip
    bundle = make_bundle(inputs)
    with mock.patch.object(protocol, "_deal", wraps=protocol._deal) as deal:
        report = verify_bundle(bundle)
    assert report.valid, report.problems
    assert deal.call_count == bundle["result"]["attempt"] + 1


def test_the_limit_can_be_raised_on_the_command_line(tmp_path, capsys):
    bundle = _forged_success(_hopeless(300), attempt=250)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    assert main([str(path)]) == 1
    assert "work_limit" in capsys.readouterr().out
    assert main([str(path), "--max-attempts", "400"]) == 1
    out = capsys.readouterr().out
    assert "work_limit" not in out and "recompute_failed" in out


# --- public bundles -----------------------------------------------------------------------------


def _public(bundle: dict) -> dict:
    public = json.loads(json.dumps(bundle))
    drawn = public["result"]["objects"]
    public["conflicts"] = [row for row in public["conflicts"] if row.split(",")[1] in drawn]
    public["conflicts_scope"] = "drawn"
    return public


def test_a_public_bundle_verifies_with_the_announced_conflict_hash(kat_bundle, capsys):
    public = _public(kat_bundle)
    assert len(public["conflicts"]) < len(kat_bundle["conflicts"])
    report = verify_bundle(public)
    assert report.valid, report.problems
    assert report.public
    assert "full bundle" in verify.format_report(report)


def test_a_public_bundle_with_a_conflict_row_of_an_undrawn_object_is_rejected(kat_bundle):
    public = _public(kat_bundle)
    undrawn = next(
        row
        for row in kat_bundle["conflicts"]
        if row.split(",")[1] not in public["result"]["objects"]
    )
    public["conflicts"] = sorted([*public["conflicts"], undrawn])
    assert "conflict_not_drawn" in codes(verify_bundle(public))


def test_only_drawn_is_a_conflicts_scope(kat_bundle):
    public = _public(kat_bundle)
    public["conflicts_scope"] = "some"
    assert "bad_type" in codes(verify_bundle(public))


# --- anchors ------------------------------------------------------------------------------------


@pytest.fixture
def forgery(small_inputs, make_bundle):
    """The published draw, and a bundle re-computed from scratch with another secret later."""
    published = make_bundle(small_inputs, secret=bytes(range(32)))
    forged = make_bundle(small_inputs, secret=bytes(range(1, 33)))
    assert verify_bundle(forged).valid  # self-consistent: the bundle alone cannot tell
    return published, forged


def test_a_recomputed_forgery_is_rejected_against_the_archived_announcement(forgery, tmp_path):
    published, forged = forgery
    announcement = {"task_id": published["task_id"], "announce": published["log"][0]}
    report = verify_bundle(forged, announcement=announcement)
    assert codes(report) == {"announcement_mismatch"}
    assert verify_bundle(published, announcement=announcement).valid
    assert verify_bundle(published, announcement=published["log"][0]).valid


def test_a_recomputed_forgery_is_rejected_against_the_published_head(forgery):
    published, forged = forgery
    head = published["log"][0]["hash"]
    assert codes(verify_bundle(forged, head=head)) == {"head_mismatch"}
    assert verify_bundle(published, head=head).valid
    assert verify_bundle(published, head=published["log"][-1]["hash"]).valid


def test_command_line_prints_head_and_commitment_and_checks_the_anchors(forgery, tmp_path, capsys):
    published, forged = forgery
    bundle_path = tmp_path / "forged.json"
    bundle_path.write_text(json.dumps(forged), encoding="utf-8")
    announcement_path = tmp_path / "announcement.json"
    announcement_path.write_text(
        json.dumps({"task_id": published["task_id"], "announce": published["log"][0]}),
        encoding="utf-8",
    )
    assert main([str(bundle_path)]) == 0
    out = capsys.readouterr().out
    assert f"head={forged['log'][-1]['hash']}" in out
    assert f"commitment={forged['log'][0]['data']['commitment']}" in out
    assert main([str(bundle_path), "--announcement", str(announcement_path)]) == 1
    assert "announcement_mismatch" in capsys.readouterr().out
    assert main([str(bundle_path), "--head", published["log"][0]["hash"]]) == 1
    assert "head_mismatch" in capsys.readouterr().out
