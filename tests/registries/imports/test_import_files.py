"""Bad files are refused at upload with a clear Chinese message; odd but valid files import."""

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from registries.models import ImportJob, InspectionObject
from registries.objects.importing.services import import_job_create
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


def test_files_that_are_no_table_are_refused(dept_admin_a):
    assert "不是有效的 Excel 工作簿" in refused(dept_admin_a, b"whatever", name="objects.xls")
    assert "CSV、XLSX 或 XLS" in refused(dept_admin_a, b"whatever", name="objects.pdf")


def test_a_broken_xlsx_fails_in_the_job_not_in_the_upload(run_import, dept_admin_a):
    job = run_import(dept_admin_a, b"PK\x03\x04 not really a zip", name="objects.xlsx")
    assert job.status == "failed"
    assert "已损坏" in job.failure_reason


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


def test_a_legacy_xls_file_is_imported(run_import, dept_admin_a, tmp_path):
    import xlwt

    rows = object_rows(3)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("对象")
    for number, row in enumerate([HEADER, *rows]):
        for column, value in enumerate(row):
            sheet.write(number, column, int(value) if value == "330102" else value)
    book.save(str(tmp_path / "objects.xls"))
    job = run_import(dept_admin_a, (tmp_path / "objects.xls").read_bytes(), name="objects.xls")
    assert (job.status, job.file_format, job.inserted_count) == ("succeeded", "xls", 3)
    assert InspectionObject.objects.get(code=rows[0][0]).region_code == "330102"


def test_every_row_is_imported_whatever_the_dimension_claims(run_import, dept_admin_a, tmp_path):
    from tests.platform.spreadsheets import sheet_xml, xlsx

    rows = object_rows(50)
    path = xlsx(tmp_path / "objects.xlsx", sheet_xml([HEADER, *rows], dimension="A1:H3"))
    job = run_import(dept_admin_a, path.read_bytes(), name="objects.xlsx")
    assert (job.status, job.inserted_count, job.total_rows) == ("succeeded", 50, 50)


def test_a_hostile_xlsx_is_never_parsed_in_the_web_process_and_fails_its_job(
    dept_admin_a, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    import openpyxl

    from tests.platform.spreadsheets import SHEET_HEAD, MiB, Repeated, xlsx

    # given: a 3 MB sheet that inflates to 1 GiB
    sheet = Repeated(SHEET_HEAD + b"<sheetData>", b" " * MiB, 1024, b"</sheetData></worksheet>")
    content = xlsx(tmp_path / "bomb.xlsx", sheet).read_bytes()

    def no_parsing(*args, **kwargs):
        raise AssertionError("the web process parsed an uploaded spreadsheet")

    # when: it is uploaded, with spreadsheet parsing forbidden until the job runs
    monkeypatch.setattr(openpyxl, "load_workbook", no_parsing)
    with django_capture_on_commit_callbacks() as callbacks:
        job = import_job_create(uploaded_by=dept_admin_a, upload=upload(content, "bomb.xlsx"))
    assert job.status == "queued"
    monkeypatch.undo()
    for callback in callbacks:
        callback()  # the job, as the worker runs it
    # then
    job.refresh_from_db()
    assert job.status == "failed"
    assert "压缩比异常" in job.failure_reason
    assert not InspectionObject.objects.exists()


def test_rows_are_numbered_as_in_the_sheet_after_blank_rows(run_import, dept_admin_a):
    rows = object_rows(3)
    rows[2][3] = "33"  # a bad region, on sheet row 5 below
    content = b"\r\n" + csv_bytes([rows[0], [], rows[1], rows[2]], encoding="utf-8")
    job = run_import(dept_admin_a, content)
    assert job.inserted_count == 2
    assert read_report(job)[1][:2] == ["6", "行政区划代码"]


def test_the_row_limit_is_enforced_and_blank_rows_do_not_count(
    run_import, dept_admin_a, monkeypatch
):
    from registries.objects.importing import services

    monkeypatch.setattr(services, "MAX_ROWS", 5)
    rows = object_rows(6)
    job = run_import(dept_admin_a, csv_bytes([*rows[:5], [], [""] * 8]))
    assert (job.status, job.inserted_count) == ("succeeded", 5)
    InspectionObject.objects.all().delete()
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.status == "failed"
    assert "超过 5 行的上限" in job.failure_reason
    assert not InspectionObject.objects.exists()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_platforms_own_export_imports_back_unchanged(
    run_import, dept_admin_a, client_for, export_format
):
    # given: objects whose names and addresses look like formulas, or like guarded ones
    rows = object_rows(5)
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.inserted_count == 5
    names = ["=1+2", "-临江号", "@SUM(A1)", "'=已有引号", "''+两个引号"]
    for row, name in zip(rows, names, strict=True):  # as single entry may store them
        InspectionObject.objects.filter(code=row[0]).update(name=name, address=name)
    # when: the registry's export is imported again
    response = client_for(dept_admin_a).get(
        reverse("registries:object_list"), {"export": export_format}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    again = run_import(dept_admin_a, content, name=f"export.{export_format}")
    # then: nothing changes
    assert again.status == "succeeded", again.failure_reason
    from registries.models import ObjectChange

    assert (again.inserted_count, again.updated_count, again.unchanged_count) == (0, 0, 5), list(
        ObjectChange.objects.values_list("changes", flat=True)
    )
    assert sorted(InspectionObject.objects.values_list("name", "address")) == sorted(
        zip(names, names, strict=True)
    )


def test_a_gbk_file_whose_first_64_kb_are_ascii_is_read_as_gbk(run_import, dept_admin_a):
    # given: English headers and ASCII names for more than 64 KB, Chinese names after
    rows = object_rows(1500)
    for index, row in enumerate(rows[:1200]):
        row[1], row[2], row[5] = f"Linjiang Trading Co {index}", "enterprise", ""
    header = ["code", "name", "kind", "region_code", "industry", "licences", "risk", "departments"]
    content = csv_bytes(rows, header=header, encoding="gbk")
    assert content[: 64 * 1024].isascii()
    # when
    job = run_import(dept_admin_a, content)
    # then
    assert (job.status, job.inserted_count) == ("succeeded", 1500), job.failure_reason
    assert InspectionObject.objects.get(code=rows[-1][0]).name == rows[-1][1]
