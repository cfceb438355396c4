"""Canonical JSON, file serialisation, row parsing, params validation and seed statement rules."""

import hashlib
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.draw.protocol import (
    Candidate,
    Conflict,
    DrawInputs,
    InspectorRow,
    ProtocolError,
    canonical_json,
    format_ts,
    normalise_witness,
    rows_hash,
    seed_statement,
    serialize_rows,
    validate_params,
)

SNAPSHOTS = {name: "0" * 64 for name in ("candidates", "inspectors", "conflicts", "params")}
SECRET = "11" * 32


@pytest.mark.parametrize(
    "value",
    [1.5, True, False, None, {"a": [1, {"b": 0.0}]}, {"a": None}, [1, True], {"k": (1, None)}],
)
def test_canonical_json_rejects_floats_bools_and_null_anywhere(value):
    with pytest.raises(ValueError):
        canonical_json(value)


def test_canonical_json_rejects_non_string_keys():
    with pytest.raises(ValueError, match="key"):
        canonical_json({1: "a"})


def test_canonical_json_sorts_keys_and_keeps_non_ascii():
    assert canonical_json({"b": [1, "王五"], "a": {"d": 2, "c": "x"}}) == (
        '{"a":{"c":"x","d":2},"b":[1,"王五"]}'
    )


def test_serialize_rows_sorts_by_bytes_like_the_c_locale():
    rows = ["b,1", "B,1", "a,1", "_x", "Z", "9,0", "10,0", "a-b", "a,b"]
    assert serialize_rows(rows) == b"10,0\n9,0\nB,1\nZ\n_x\na,1\na,b\na-b\nb,1\n"


def test_serialize_rows_orders_non_ascii_by_utf8_bytes():
    # U+FF21 (3 UTF-8 bytes, 0xEF...) sorts after U+00E9 (0xC3 0xA9), and both after ASCII.
    assert serialize_rows(["\uff21", "\u00e9", "z"]) == "z\n\u00e9\n\uff21\n".encode()


def test_empty_file_hashes_to_the_empty_string_hash():
    assert rows_hash([]) == hashlib.sha256(b"").hexdigest()


row_text = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12
)


@given(st.lists(row_text, max_size=30))
def test_serialize_rows_is_sorted_bytes_with_lf_terminators(rows):
    data = serialize_rows(rows)
    lines = data.split(b"\n")
    assert lines[-1] == b""
    assert lines[:-1] == sorted(row.encode() for row in rows)


@pytest.mark.skipif(shutil.which("sort") is None, reason="needs the sort utility")
def test_rows_hash_equals_lc_all_c_sort_pipeline(kat_bundle):
    rows = kat_bundle["inspectors"] + ["a-b,X,0,1,", "A_B,X,0,1,", "a,X,0,1,"]
    sorted_text = subprocess.run(
        [shutil.which("sort") or "sort"],
        input="".join(row + "\n" for row in rows).encode(),
        capture_output=True,
        check=True,
        env={"LC_ALL": "C"},
    ).stdout
    assert serialize_rows(rows) == sorted_text


@pytest.mark.parametrize(
    "line",
    [
        "91310100000000000X,low,0",
        "91310100000000001X,mid,1",
        "Y1123456GHJKLMNPQR,high,0",
    ],
)
def test_candidate_row_round_trips(line):
    assert Candidate.parse(line).row == line


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("91310100000000000x,low,0", "not a valid USCC"),
        ("91310100000000000I,low,0", "not a valid USCC"),
        ("9131010000000000X,low,0", "not a valid USCC"),
        ("913101000000000000X,low,0", "not a valid USCC"),
        ("91310100000000000X,low,2", "MUST must be 0 or 1"),
        ("91310100000000000X,lo w,0", "stratum"),
        ("91310100000000000X,low|x,0", "stratum"),
        ("91310100000000000X,低,0", "stratum"),
        ("91310100000000000X,low", "expected 3 fields"),
        ("91310100000000000X,low,0,", "expected 3 fields"),
    ],
)
def test_bad_candidate_rows_are_rejected_naming_the_line(line, fragment):
    with pytest.raises(ProtocolError, match=fragment) as raised:
        Candidate.parse(line)
    assert repr(line) in str(raised.value)


@pytest.mark.parametrize("line", ["SAMR-0012,SAMR,0,4,LE;FOOD", "EX1,EXPERT,3,3,", "A,B,10,20,T"])
def test_inspector_row_round_trips(line):
    assert InspectorRow.parse(line).row == line


def test_inspector_row_parses_fields():
    assert InspectorRow.parse("SAMR-0012,SAMR,1,4,LE;FOOD") == InspectorRow(
        "SAMR-0012", "SAMR", 1, 4, ("LE", "FOOD")
    )


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("SAMR1,SAMR,-1,4,LE", "LOAD"),
        ("SAMR1,SAMR,01,4,LE", "LOAD"),
        ("SAMR1,SAMR,0,x,LE", "MAX_LOAD"),
        ("SAMR1,SAMR,0,4,LE;;FOOD", "tag"),
        ("SAMR1,SAMR,0,4,LE|FOOD", "tag"),
        ("SAMR 1,SAMR,0,4,LE", "inspector id"),
        ("SAMR1,,0,4,LE", "department"),
        ("SAMR1,SAMR,0,4", "expected 5 fields"),
    ],
)
def test_bad_inspector_rows_are_rejected_naming_the_line(line, fragment):
    with pytest.raises(ProtocolError, match=fragment) as raised:
        InspectorRow.parse(line)
    assert repr(line) in str(raised.value)


def test_conflict_rows_parse_and_reject():
    assert Conflict.parse("SAMR1,91310100000000000X").row == "SAMR1,91310100000000000X"
    with pytest.raises(ProtocolError, match="not a valid USCC"):
        Conflict.parse("SAMR1,913101")


identifier = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=",;|"),
    min_size=1,
    max_size=10,
)


@given(
    identifier,
    identifier,
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.lists(identifier, max_size=4).map(tuple),
)
def test_any_valid_inspector_row_round_trips(inspector_id, dept, load, max_load, tags):
    inspector = InspectorRow(inspector_id, dept, load, max_load, tags)
    assert InspectorRow.parse(inspector.row) == inspector


VALID_PARAMS = {
    "strata": {"low": {"rate_bp": 100}, "high": {"count": 2}},
    "lead_dept": "SAMR",
    "groups": 1,
    "group": {"SAMR": 1, "EPB": 1},
    "required_tags": {"SAMR": ["LE"]},
    "max_attempts": 3,
    "filters": {"human": "食品经营者", "machine": ["licence=food"]},
}


def test_valid_params_pass():
    validate_params(VALID_PARAMS)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"strata": {"low": {"rate_bp": 100, "count": 1}}}, "exactly one of rate_bp or count"),
        ({"strata": {"low": {}}}, "exactly one of rate_bp or count"),
        ({"strata": {"low": {"rate_bp": -1}}}, "integer >= 0"),
        ({"strata": {"low": {"rate_bp": 10001}}}, "above 10000"),
        ({"strata": {"low": {"count": True}}}, "not allowed"),
        ({"strata": {"MUST": {"count": 1}}}, "stratum name"),
        ({"groups": 0}, "groups must be an integer >= 1"),
        ({"group": {"SAMR": 0, "EPB": 2}}, "group\\[lead_dept\\]"),
        ({"group": {"SAMR": 1}}, "at least 2 members"),
        ({"group": {"SAMR": 1, "EPB": -1}}, "group.EPB"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"required_tags": {"MEE": ["LE"]}}, "not in group"),
        ({"required_tags": {"EPB": "LE"}}, "list of tags"),
        ({"lead_dept": "MEE"}, "group\\[lead_dept\\]"),
        ({"groups": 1.0}, "not allowed"),
        ({"legal_basis": None}, "not allowed"),
    ],
)
def test_bad_params_are_rejected_with_a_clear_message(change, fragment):
    with pytest.raises(ProtocolError, match=fragment):
        validate_params({**VALID_PARAMS, **change})


def test_params_missing_fields_are_named():
    params = dict(VALID_PARAMS)
    del params["groups"], params["max_attempts"]
    with pytest.raises(ProtocolError, match="missing groups, max_attempts"):
        validate_params(params)


def test_inputs_reject_unknown_stratum_duplicates_and_too_many_groups():
    rows = ["91310100000000000X,low,0", "91310100000000001X,high,1"]
    inspectors = ["S1,SAMR,0,1,LE", "E1,EPB,0,1,"]
    DrawInputs.from_rows("T-1", rows, inspectors, [], VALID_PARAMS)
    with pytest.raises(ProtocolError, match="strata lacks mid"):
        DrawInputs.from_rows("T-1", [*rows, "91310100000000002X,mid,0"], [], [], VALID_PARAMS)
    with pytest.raises(ProtocolError, match="91310100000000000X appears more than once"):
        DrawInputs.from_rows("T-1", [*rows, rows[0]], [], [], VALID_PARAMS)
    with pytest.raises(ProtocolError, match="inspector id S1 appears more than once"):
        DrawInputs.from_rows("T-1", rows, [*inspectors, "S1,EPB,0,1,"], [], VALID_PARAMS)
    with pytest.raises(ProtocolError, match="groups \\(3\\) exceeds the 2 objects"):
        DrawInputs.from_rows("T-1", rows, [], [], {**VALID_PARAMS, "groups": 3})
    with pytest.raises(ProtocolError, match="task_id"):
        DrawInputs.from_rows("任务", rows, [], [], VALID_PARAMS)


def test_witness_is_nfc_normalised_and_trimmed():
    assert normalise_witness("  Cafe\u0301 42\t") == "Caf\u00e9 42"
    assert normalise_witness("王五 2718") == "王五 2718"


@pytest.mark.parametrize("value", ["12\n34", "12\r34", "   ", ""])
def test_witness_with_line_break_or_nothing_is_rejected(value):
    with pytest.raises(ProtocolError):
        normalise_witness(value)


def test_seed_statement_needs_a_witness_or_a_beacon():
    with pytest.raises(ProtocolError, match="at least one witness entry or a beacon"):
        seed_statement("T-1", SNAPSHOTS, SECRET, "none", [])
    statement = seed_statement("T-1", SNAPSHOTS, SECRET, "drand-quicknet:7:" + "a" * 64, [])
    assert statement.endswith(f"beacon=drand-quicknet:7:{'a' * 64}\n")


@pytest.mark.parametrize(
    ("secret", "beacon", "witnesses", "fragment"),
    [
        ("AB" * 32, "none", ["1"], "64 lowercase hex"),
        ("ab" * 31, "none", ["1"], "64 lowercase hex"),
        (SECRET, "drand-quicknet:7", ["1"], "beacon"),
        (SECRET, "drand:7:" + "a" * 64, ["1"], "beacon"),
        (SECRET, "none", [" 1"], "not normalised"),
        (SECRET, "none", ["e\u0301"], "not normalised"),
    ],
)
def test_seed_statement_rejects_malformed_parts(secret, beacon, witnesses, fragment):
    with pytest.raises(ProtocolError, match=fragment):
        seed_statement("T-1", SNAPSHOTS, secret, beacon, witnesses)


def test_format_ts_converts_aware_datetimes_to_utc():
    beijing = timezone(timedelta(hours=8))
    assert format_ts(datetime(2024, 5, 6, 9, 0, 0, 999, tzinfo=beijing)) == "2024-05-06T01:00:00Z"
    assert format_ts(datetime(2024, 5, 6, 1, 0, tzinfo=UTC)) == "2024-05-06T01:00:00Z"
    assert format_ts("2024-05-06T01:00:00Z") == "2024-05-06T01:00:00Z"


@pytest.mark.parametrize(
    "value",
    [datetime(2024, 5, 6), "2024-05-06T01:00:00", "2024-05-06 01:00:00Z", "2024-02-30T01:00:00Z"],
)
def test_format_ts_rejects_naive_or_malformed_times(value):
    with pytest.raises(ProtocolError):
        format_ts(value)
