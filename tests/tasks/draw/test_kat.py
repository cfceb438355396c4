"""The known-answer bundle is reproduced bit for bit; a change that alters it is a new algorithm."""

from typing import Any

import pytest

from tasks.draw.protocol import (
    ZERO_HASH,
    DrawInputs,
    LogChain,
    Ticketer,
    build_bundle,
    canonical_hash,
    commitment,
    compute_seed,
    draw_groups,
    draw_objects,
    log_entry,
    run_draw,
    seed_statement,
)


def test_kat_snapshots_equal_the_announced_hashes(kat_bundle, kat_inputs):
    announce = kat_bundle["log"][0]
    assert announce["type"] == "announce"
    assert kat_inputs.snapshots() == announce["data"]["snapshots"]


def test_kat_commitment_hashes_the_raw_secret_bytes(kat_bundle):
    secret = bytes.fromhex(kat_bundle["secret"])
    assert commitment(secret) == kat_bundle["log"][0]["data"]["commitment"]


def test_kat_seed_statement_has_the_documented_lines(kat_bundle, kat_inputs):
    snapshots = kat_inputs.snapshots()
    statement = seed_statement(
        kat_bundle["task_id"],
        snapshots,
        kat_bundle["secret"],
        kat_bundle["beacon"],
        kat_bundle["witnesses"],
    )
    assert statement.splitlines() == [
        "ssj-draw/1",
        "task=2024-SSJ-0001",
        f"candidates={snapshots['candidates']}",
        f"inspectors={snapshots['inspectors']}",
        f"conflicts={snapshots['conflicts']}",
        f"params={snapshots['params']}",
        f"secret={kat_bundle['secret']}",
        "beacon=none",
        "witness=3141592653",
        "witness=王五 2718",
    ]
    assert statement.endswith("\n")
    assert "\r" not in statement


def test_kat_seed_is_reproduced(kat_bundle, kat_inputs):
    seed = compute_seed(
        kat_bundle["task_id"],
        kat_inputs.snapshots(),
        kat_bundle["secret"],
        kat_bundle["beacon"],
        kat_bundle["witnesses"],
    )
    assert seed == kat_bundle["result"]["seed"]


def test_kat_stages_are_reproduced_separately(kat_bundle, kat_inputs):
    expected = kat_bundle["result"]
    ticketer = Ticketer(expected["seed"])

    objects = draw_objects(kat_inputs.candidates, kat_inputs.params["strata"], ticketer)
    stage2 = draw_groups(
        list(objects), kat_inputs.inspectors, kat_inputs.conflicts, kat_inputs.params, ticketer
    )

    assert objects == expected["objects"]
    assert list(objects) == sorted(objects)
    assert stage2["attempt"] == expected["attempt"]
    assert stage2["groups"] == expected["groups"]
    assert stage2["assignment"] == expected["assignment"]


def test_kat_result_is_reproduced_exactly(kat_bundle, kat_inputs):
    result = run_draw(
        kat_inputs, kat_bundle["secret"], kat_bundle["beacon"], kat_bundle["witnesses"]
    )
    assert result == kat_bundle["result"]
    assert canonical_hash(result) == kat_bundle["log"][4]["data"]["result_hash"]


@pytest.mark.parametrize("seq", range(5))
def test_kat_log_entry_hash_is_reproduced(kat_bundle, seq):
    entry = kat_bundle["log"][seq]
    fields = {key: entry[key] for key in ("seq", "prev", "ts", "type", "actor", "data")}
    assert log_entry(**fields) == entry


def test_kat_log_is_rebuilt_by_the_chain_helper(kat_bundle):
    log = LogChain()
    for entry in kat_bundle["log"]:
        log.append(entry["type"], entry["actor"], entry["data"], entry["ts"])
    assert log.entries == kat_bundle["log"]
    assert log.entries[0]["prev"] == ZERO_HASH
    assert log.head == kat_bundle["log"][-1]["hash"]


def test_kat_log_is_rebuilt_by_the_ceremony_helpers(kat_bundle, kat_inputs):
    secret_hex = kat_bundle["secret"]
    log = LogChain()
    log.announce(
        kat_inputs, bytes.fromhex(secret_hex), "none", actor="op:li", ts="2024-05-06T01:00:00Z"
    )
    for witness in kat_bundle["witnesses"]:
        log.witness(witness, actor="witness", ts="2024-05-06T02:00:00Z")
    log.reveal(secret_hex, actor="op:li", ts="2024-05-06T02:05:00Z")
    log.result(kat_bundle["result"], actor="system", ts="2024-05-06T02:05:01Z")
    assert [entry["hash"] for entry in log.entries] == [e["hash"] for e in kat_bundle["log"]]


def test_kat_bundle_is_rebuilt_with_rows_in_byte_order(kat_bundle, kat_inputs):
    rebuilt = build_bundle(
        kat_inputs,
        kat_bundle["secret"],
        kat_bundle["beacon"],
        kat_bundle["witnesses"],
        kat_bundle["result"],
        kat_bundle["log"],
    )

    def in_byte_order(bundle: dict[str, Any]) -> dict[str, Any]:
        rows = {name: sorted(bundle[name]) for name in ("candidates", "inspectors", "conflicts")}
        return {**bundle, **rows}

    assert rebuilt == in_byte_order(kat_bundle)
    assert rebuilt["inspectors"][0].startswith("EPB000,")


def test_kat_inputs_round_trip_through_row_text(kat_bundle, kat_inputs: DrawInputs):
    assert [c.row for c in kat_inputs.candidates] == kat_bundle["candidates"]
    assert [i.row for i in kat_inputs.inspectors] == kat_bundle["inspectors"]
    assert [c.row for c in kat_inputs.conflicts] == kat_bundle["conflicts"]
