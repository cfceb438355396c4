"""Bad files are refused at upload with a clear Chinese message; odd but valid files import."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from registries.importing.services import import_job_create
from registries.models import ImportJob, InspectionObject
from tests.registries.imports.conftest import HEADER, csv_bytes, object_rows, read_report, upload

pytestmark = pytest.mark.django_db


def refused(user, content: bytes, name="objects.csv") -> str:
    with pytest.raises(ValidationError) as error:
        import_job_create(uploaded_by=user, upload=upload(content, name))
    assert not ImportJob.objects.exists()
    return " ".join(error.value.message_dict["file"])


def test_utf16_file_is_refused_with_a_clear_message(dept_admin_a):
    message = refused(dept_admin_a, csv_bytes(object_rows(2), encoding="utf-16"))
    assert "UTF-16" in message
    assert "另存为" in message


def test_random_bytes_are_refused(dept_admin_a):
    assert "UTF-16" in refused(dept_admin_a, os.urandom(4096) + b"\x00")
    message = refused(dept_admin_a, bytes(range(0x80, 0x100)) * 20)
    assert "无法识别文件编码" in message


def test_empty_file_and_header_only_are_refused(dept_admin_a):
    assert "文件为空" in refused(dept_admin_a, b"")
    assert "文件为空" in refused(dept_admin_a, b"\xef\xbb\xbf\r\n\r\n")
    assert "只有表头" in refused(dept_admin_a, csv_bytes([]))


def test_missing_required_columns_are_named(dept_admin_a):
    message = refused(dept_admin_a, csv_bytes([["x", "y"]], header=["名称", "住所"]))
    assert "缺少必填列" in message
    assert "统一社会信用代码/对象编码" in message
    assert "行政区划代码" in message
    assert "名称、" not in message


def test_old_excel_and_other_extensions_are_refused(dept_admin_a):
    assert ".xls" in refused(dept_admin_a, b"whatever", name="objects.xls")
    assert "CSV 或 XLSX" in refused(dept_admin_a, b"whatever", name="objects.pdf")


def test_broken_xlsx_is_refused(dept_admin_a):
    assert "XLSX" in refused(dept_admin_a, b"PK\x03\x04 not really a zip", name="objects.xlsx")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_gbk_and_utf8_files_import_the_same(run_import, dept_admin_a, encoding):
    rows = object_rows(5)
    job = run_import(dept_admin_a, csv_bytes(rows, encoding=encoding))
    assert job.status == "succeeded", job.failure_reason
    assert sorted(InspectionObject.objects.values_list("name", flat=True)) == sorted(
        row[1] for row in rows
    )


def test_a_bad_byte_deep_in_the_file_fails_the_job_with_the_line(run_import, dept_admin_a):
    # given: valid UTF-8 for the first 64 KB (the quick check at upload), then a stray byte
    rows = object_rows(800)
    content = csv_bytes(rows, encoding="utf-8")
    content = content + b"\xff\xfe\xfa,broken\n"
    job = run_import(dept_admin_a, content)
    assert job.status == "failed"
    assert "无法识别文件编码" in job.failure_reason
    assert "802" in job.failure_reason
    assert not InspectionObject.objects.exists()


def test_english_aliases_and_any_column_order(run_import, dept_admin_a):
    rows = [[row[3], row[1], row[0]] for row in object_rows(3)]
    job = run_import(dept_admin_a, csv_bytes(rows, header=["Region_Code", "name", "Code"]))
    assert job.status == "succeeded", job.failure_reason
    assert job.inserted_count == 3


def _xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_formula_cells_stores_them_as_text(run_import, dept_admin_a):
    # given: a formula in a name cell and in a bad code cell
    rows = object_rows(3)
    rows[0][1] = "=cmd|' /C calc'!A0"
    rows[1][0] = '=HYPERLINK("http://evil")'
    rows[2][3] = 330102  # a number cell
    job = run_import(dept_admin_a, _xlsx(rows), name="objects.xlsx")
    # then: the formula is stored as plain text, never evaluated
    assert job.status == "succeeded", job.failure_reason
    assert InspectionObject.objects.get(code=rows[0][0]).name == "=cmd|' /C calc'!A0"
    assert InspectionObject.objects.get(code=rows[2][0]).region_code == "330102"
    # and the error report neutralises the formula it quotes
    report = read_report(job)
    assert report[1][0] == "3"
    assert report[1][2].startswith("'=HYPERLINK")


def test_csv_formula_cells_are_stored_as_data_and_quoted_in_the_report(run_import, dept_admin_a):
    rows = object_rows(2)
    rows[0][1] = "=1+2"
    rows[1][3] = "@SUM(A1)"
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert InspectionObject.objects.get(code=rows[0][0]).name == "=1+2"
    assert read_report(job)[1][2] == "'@SUM(A1)"
