"""The draw's hash chain (§7, §7a): entries link by hash and any edit is detected."""

import hashlib
import json
from datetime import UTC, datetime

import pytest

from tasks.draw.protocol import ZERO_HASH, LogChain, ProtocolError, log_entry, verify_chain


def make_chain() -> LogChain:
    log = LogChain()
    log.append("announce", "SAMR", {"beacon": "none"}, datetime(2024, 5, 6, 1, tzinfo=UTC))
    log.append("witness", "EPB", {"value": "12"}, "2024-05-06T02:00:00Z")
    log.append("reveal", "SAMR", {"secret": "ab" * 32}, "2024-05-06T02:05:00Z")
    return log


def test_entry_hash_is_the_hash_of_its_canonical_json_without_hash():
    entry = log_entry(
        seq=0, prev=ZERO_HASH, ts="2024-05-06T01:00:00Z", type="void", actor="SAMR", data={}
    )
    body = {key: value for key, value in entry.items() if key != "hash"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry["hash"] == hashlib.sha256(text.encode()).hexdigest()


def test_entry_type_must_be_known():
    with pytest.raises(ProtocolError, match="type 'edit'"):
        log_entry(seq=0, prev=ZERO_HASH, ts="2024-05-06T01:00:00Z", type="edit", actor="a", data={})


def test_chain_links_each_entry_to_the_previous_hash():
    log = make_chain()
    assert [entry["seq"] for entry in log.entries] == [0, 1, 2]
    assert log.entries[0]["prev"] == ZERO_HASH
    assert log.entries[1]["prev"] == log.entries[0]["hash"]
    assert log.entries[2]["prev"] == log.entries[1]["hash"]
    assert log.head == log.entries[2]["hash"]
    assert log.entries[0]["ts"] == "2024-05-06T01:00:00Z"
    assert verify_chain(log.entries) == []


def test_empty_chain_has_the_zero_head():
    assert LogChain().head == ZERO_HASH
    assert verify_chain([]) == []


def test_edited_data_is_detected():
    entries = make_chain().entries
    entries[1]["data"]["value"] = "13"
    assert verify_chain(entries) == [
        f"log entry 1 has hash {entries[1]['hash']!r}, recomputed "
        + log_entry(**{k: v for k, v in entries[1].items() if k != "hash"})["hash"]
    ]


def test_removed_entry_is_detected():
    entries = make_chain().entries
    del entries[1]
    problems = verify_chain(entries)
    assert any("has seq 2, expected 1" in problem for problem in problems)
    assert any("has prev" in problem for problem in problems)


def test_swapped_entries_are_detected():
    entries = make_chain().entries
    entries[1], entries[2] = entries[2], entries[1]
    assert len(verify_chain(entries)) >= 2


def test_time_going_backwards_is_detected():
    log = make_chain()
    log.append("result", "system", {"result_hash": "0" * 64}, "2024-05-06T02:04:59Z")
    assert verify_chain(log.entries) == [
        "log entry 3 has ts 2024-05-06T02:04:59Z, earlier than the entry before it"
    ]


def test_missing_or_extra_keys_are_detected():
    entries = make_chain().entries
    entries[0]["note"] = "x"
    del entries[2]["actor"]
    problems = verify_chain(entries)
    assert problems[0].startswith("log entry 0 has keys")
    assert problems[1].startswith("log entry 2 has keys")


def test_float_in_data_is_reported_not_raised():
    entries = make_chain().entries
    entries[1]["data"]["value"] = 1.5
    assert "not canonical JSON" in verify_chain(entries)[0]
