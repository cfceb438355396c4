"""uploads.csv_rows splits unquoted pieces of a CSV itself and must read exactly as csv.reader; and
every import reads the platform's own exports back as the values they were (the formula guard's
apostrophe does not come back as data)."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from platform_site import uploads
from platform_site.exports import safe_cell, unguard_cell
from platform_site.uploads import csv_rows

cells = st.lists(st.sampled_from(["a", "名", ",", '"', "\r", "\n", " ", "1"]), max_size=4).map(
    "".join
)
# what the exports write: text that may start like a formula or like a guarded one
exported = st.text(alphabet=["'", "=", "+", "-", "@", "\t", "a", "名", ",", '"', "\n"], max_size=6)
line_ends = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_texts(draw) -> str:
    """Files as people's tools write them: mostly plain, sometimes quoted, CRLF or not."""
    rows = draw(st.lists(st.lists(cells, max_size=4), max_size=12))
    end = draw(line_ends)
    buffer = io.StringIO(newline="")
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    csv.writer(buffer, lineterminator=end, quoting=quoting).writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # plain text too, unescaped, blank lines and all
        parts = ["a", "名", ",", "\n", "\r\n", "\r", "x,y"]
        text = "".join(draw(st.lists(st.sampled_from(parts), max_size=30)))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


@pytest.fixture
def tiny_pieces(monkeypatch):
    monkeypatch.setattr(uploads, "CHUNK", 7)


@pytest.mark.usefixtures("tiny_pieces")
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts(), st.integers(0, 2))
def test_reads_exactly_as_the_csv_module(text, skip):
    expected_handle = io.StringIO(text, newline="")
    expected = csv.reader(expected_handle)
    handle = io.StringIO(text, newline="")
    header = csv.reader(handle)
    for _ in range(skip):  # the header (or more) read first by csv.reader, as open_csv does
        assert next(header, None) == next(expected, None)
    assert list(csv_rows(handle)) == list(expected)


@pytest.mark.usefixtures("tiny_pieces")
def test_carriage_returns_at_the_end_of_a_piece():
    handle = io.StringIO("\naa\r\n\r\n\r\r\n", newline="")
    assert next(csv.reader(handle)) == []
    assert list(csv_rows(handle)) == [["aa"], [], [], []]


def test_a_quoted_line_break_after_plain_pieces(monkeypatch):
    monkeypatch.setattr(uploads, "CHUNK", 16)
    text = "a,b\r\n" * 10 + 'c,"multi\nline"\r\nd,e\r\n'
    assert list(csv_rows(io.StringIO(text, newline=""))) == [["a", "b"]] * 10 + [
        ["c", "multi\nline"],
        ["d", "e"],
    ]


@settings(deadline=None)
@given(st.text())
def test_the_export_guard_comes_off_exactly(value):
    assert unguard_cell(safe_cell(value)) == value


def test_a_spreadsheet_text_marker_before_a_formula_is_taken_off():
    assert unguard_cell("'=SUM(A1)") == "=SUM(A1)"
    assert unguard_cell("'O'Brien") == "'O'Brien"  # an apostrophe that guards nothing stays


@pytest.mark.usefixtures("tiny_pieces")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(exported, min_size=1, max_size=4), max_size=8), st.booleans())
def test_an_exported_csv_reads_back_as_the_values_exported(rows, quote_all):
    buffer = io.StringIO(newline="")
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    csv.writer(buffer, quoting=quoting).writerows([[safe_cell(v) for v in row] for row in rows])
    read = list(csv_rows(io.StringIO(buffer.getvalue(), newline="")))
    assert read == rows
