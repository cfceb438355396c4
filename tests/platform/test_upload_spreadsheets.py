"""The shared reader refuses hostile spreadsheets before parsing them, and reads every row of an
honest one (issue 11). Each hostile file is built in a temporary directory, never committed."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import xlwt
from openpyxl import Workbook

from platform_site.uploads import (
    DEFAULT_LIMITS,
    UploadError,
    decode_text,
    open_table,
    read_spreadsheet,
    sniff_encoding,
)
from tests.platform.spreadsheets import SHEET_HEAD, MiB, Repeated, sheet_xml, xlsx

ROWS = [
    ["编码", "名称", "日期"],
    *[[f"C{index:03d}", f"企业{index}", ""] for index in range(1, 50)],
]


def table_rows(path, file_format="xlsx"):
    table = open_table(path, file_format)
    try:
        return table.header_row, table.header, list(table.rows)
    finally:
        table.close()


def refused(path, file_format="xlsx") -> str:
    started = time.monotonic()
    with pytest.raises(UploadError) as error:
        table_rows(path, file_format)
    assert time.monotonic() - started < 5  # refused from the zip directory, nothing inflated
    return str(error.value)


def test_shared_strings_that_expand_to_128_mib_are_refused_unparsed(tmp_path):
    # given: a small file whose one shared string is 128 MiB of "a"
    strings = Repeated(
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>",
        b"a" * MiB,
        128,
        b"</t></si></sst>",
    )
    sheet = (
        SHEET_HEAD
        + b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    path = xlsx(tmp_path / "strings.xlsx", sheet, strings)
    assert path.stat().st_size < 400_000
    # when / then
    assert "压缩比异常" in refused(path)


def test_a_sheet_that_expands_to_1_gib_is_refused_unparsed(tmp_path):
    sheet = Repeated(SHEET_HEAD + b"<sheetData>", b" " * MiB, 1024, b"</sheetData></worksheet>")
    path = xlsx(tmp_path / "wide.xlsx", sheet)
    assert path.stat().st_size < 4 * MiB
    assert "该 Excel 文件不能读取" in refused(path)


def test_a_large_honest_looking_sheet_is_refused_by_its_size(tmp_path):
    # inflates only 50 times, but to more than the limit allows
    limits = DEFAULT_LIMITS
    unit = (b'<row><c t="inlineStr"><is><t>' + b"x" * 30 + b"</t></is></c></row>") * 20000
    count = limits.max_unpacked_bytes // len(unit) + 1
    sheet = Repeated(SHEET_HEAD + b"<sheetData>", unit, count, b"</sheetData></worksheet>")
    path = xlsx(tmp_path / "big.xlsx", sheet)
    assert "解压后超过" in refused(path)


BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">'.encode()
        for level in range(8)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    "prolog",
    [
        BILLION_LAUGHS,
        # the declaration hidden behind a long comment and a processing instruction
        b"<!--" + b"x" * 200_000 + b"--><?pi data?>\n" + BILLION_LAUGHS,
    ],
    ids=["plain", "behind a 200 KB comment"],
)
def test_entity_expansion_is_refused_before_any_xml_is_parsed(tmp_path, prolog):
    sheet = sheet_xml([["&i;"]], prolog=prolog)
    path = xlsx(tmp_path / "laughs.xlsx", sheet)
    assert "DTD" in refused(path)


def test_every_row_is_read_whatever_the_dimension_claims(tmp_path):
    # given: 50 rows, and a <dimension> claiming 3
    path = xlsx(tmp_path / "dimension.xlsx", sheet_xml(ROWS, dimension="A1:C3"))
    # when
    header_row, header, rows = table_rows(path)
    # then
    assert (header_row, header) == (1, ["编码", "名称", "日期"])
    assert [row[:2] for row in rows] == [row[:2] for row in ROWS[1:]]


def test_a_cell_beyond_the_column_limit_is_an_error_not_a_silent_cut(tmp_path):
    sheet = SHEET_HEAD + (
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="ZZ1" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>'
    )
    path = xlsx(tmp_path / "wide.xlsx", sheet)
    assert "超出了 256 列的上限" in refused(path)


def test_blank_rows_keep_their_row_numbers(tmp_path):
    rows = [[], ["编码", "名称"], ["A1", "甲"], [], ["A2", "乙"]]
    workbook = Workbook()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            workbook.active.cell(number, column, value)
    workbook.save(tmp_path / "gaps.xlsx")
    header_row, _header, data = table_rows(tmp_path / "gaps.xlsx")
    assert header_row == 2
    assert [row[:2] for row in data] == [["A1", "甲"], [], ["A2", "乙"]]


def test_formulas_are_text_and_the_export_guard_comes_off(tmp_path):
    workbook = Workbook()
    workbook.active.append(["名称", "公式"])
    workbook.active.append(["'=SUM(A1)", "=1+2"])
    workbook.save(tmp_path / "formulas.xlsx")
    _header_row, _header, rows = table_rows(tmp_path / "formulas.xlsx")
    assert rows == [["=SUM(A1)", "=1+2"]]


def _xls(path, rows):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(number, column, value, dates)
            else:
                sheet.write(number, column, value)
    book.save(str(path))
    return path


def test_a_legacy_xls_reads_like_an_xlsx(tmp_path):
    rows = [["编码", "名称", "数量", "日期"], ["C001", "企业", 330102, dt.date(2025, 3, 5)]]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(tmp_path / "same.xlsx")
    xls = _xls(tmp_path / "same.xls", rows)
    assert table_rows(xls, "xls") == table_rows(tmp_path / "same.xlsx")
    assert table_rows(xls, "xls")[2] == [["C001", "企业", "330102", "2025-03-05"]]


def test_a_file_is_read_by_what_it_is_not_what_it_is_named(tmp_path):
    xls = _xls(tmp_path / "really-xls.xlsx", [["编码"], ["C001"]])
    assert table_rows(xls, "xlsx")[2] == [["C001"]]
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    assert "已损坏" in refused(fake)


def test_an_oversized_xls_is_refused_unread(tmp_path):
    path = _xls(tmp_path / "big.xls", [["编码"], ["x" * 200]])
    limits = DEFAULT_LIMITS.__class__(**{**DEFAULT_LIMITS.__dict__, "max_xls_bytes": 1000})
    with pytest.raises(UploadError, match=r"旧版 \.xls 文件超过"):
        read_spreadsheet(path, limits)


def test_one_encoding_sniffer():
    assert decode_text("名称\n".encode("gbk")) == "名称\n"
    assert decode_text("\ufeff名称\n".encode()) == "名称\n"
    assert decode_text("名称\n".encode("utf-16"), utf16=True) == "名称\n"
    with pytest.raises(UploadError, match="UTF-16"):
        decode_text("名称\n".encode("utf-16"))
    with pytest.raises(UploadError, match="第 3 行附近"):
        sniff_encoding(b"a\nb\n" + b"\xff\xfe\xfa\n")


def test_the_calendar_import_uses_the_same_sniffer():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from publication.calendar.forms import CalendarImportForm

    def form(content: bytes):
        upload = SimpleUploadedFile("2027.csv", content, content_type="text/csv")
        return CalendarImportForm({"year": 2027}, {"file": upload})

    gbk = form("2027-10-01,休,国庆节\n".encode("gbk"))
    assert gbk.is_valid(), gbk.errors
    assert gbk.cleaned_data["text"] == "2027-10-01,休,国庆节\n"
    utf16 = form("2027-10-01,休,国庆节\n".encode("utf-16"))
    assert not utf16.is_valid()
    assert "UTF-16" in str(utf16.errors)


def test_one_date_rule_names_an_impossible_date_everywhere():
    from django.core.exceptions import ValidationError

    from platform_site.uploads import CellDateError, parse_cell_date
    from publication.calendar import calendar_import_parse
    from registries.objects.importing.validation import date_message

    assert parse_cell_date("2025年3月5日") == dt.date(2025, 3, 5)
    with pytest.raises(CellDateError) as error:
        parse_cell_date("2025/2/30")
    assert error.value.impossible
    assert date_message("2025/2/30") == "日期不存在：2025/2/30（请检查月份和日）"
    assert date_message("昨天").startswith("日期格式错误")
    with pytest.raises(ValidationError) as error:
        calendar_import_parse(year=2025, text_or_rows="2025/2/30,休,国庆节\n")
    assert "第 1 行：日期不存在：2025/2/30" in error.value.messages[0]
