"""Import of inspectors and experts: validation report, bad files, all or nothing, GBK and XLSX."""

import io

import pytest
from openpyxl import Workbook

from accounts.models import AuditEvent
from registries.choices import InspectorStatus
from registries.inspectors.importing import ImportFileError, import_file
from registries.models import Expert, Inspector
from tests.registries.test_inspector_fixtures import make_inspector

HEADER = "人员编码,姓名,部门代码,岗位,执法证号,执法证有效期起,执法证有效期至,标签,行政区划代码,网格,状态,状态起始日期,状态截止日期,同期最多参加检查组数\n"


def _csv(*rows, header=HEADER, encoding="utf-8") -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _run(user, content, *, apply=True, kind="inspectors", filename="people.csv"):
    return import_file(user=user, kind=kind, content=content, filename=filename, apply=apply)


GOOD = ",王五,DEPA,执法科员,ZJ100,2024-01-01,2030-12-31,FOOD;DRUG,330102,330102-01,在岗,,,3"
GOOD2 = ",赵六,DEPA,科长,ZJ101,2024/01/01,20301231,QUALITY,330105,,休假,2030-01-01,2030-02-01,2"


def test_valid_file_is_checked_then_applied_with_audit_events(staff_a, department_a):
    report = _run(staff_a, _csv(GOOD, GOOD2), apply=False)
    assert report.ok and report.to_create == 2
    assert Inspector.objects.count() == 0
    report = _run(staff_a, _csv(GOOD, GOOD2))
    assert report.applied and report.created == 2
    wang = Inspector.objects.get(name="王五")
    assert (wang.code, wang.tags, wang.grid) == ("DEPA-0001", ["DRUG", "FOOD", "LE"], "330102-01")
    zhao = Inspector.objects.get(name="赵六")
    assert zhao.status == InspectorStatus.ON_LEAVE
    assert str(zhao.status_until) == "2030-02-01"
    assert (
        AuditEvent.objects.filter(action="inspector.create", details__source="import").count() == 2
    )


def test_department_column_may_be_omitted_by_a_department(staff_a):
    report = _run(staff_a, _csv("王五", header="姓名\n"))
    assert report.applied
    assert Inspector.objects.get().department.code == "DEPA"


def test_office_must_name_the_department(office_admin):
    with pytest.raises(ImportFileError, match="部门代码"):
        _run(office_admin, _csv("王五", header="姓名\n"))


def test_existing_code_updates_and_unchanged_rows_are_counted(staff_a, department_a):
    inspector = make_inspector(
        department_a, code="DEPA-0007", name="旧名", certificate_number="ZJ9", tags=["LE"]
    )
    row = f"DEPA-0007,新名,DEPA,科长,ZJ9,{inspector.certificate_valid_from},{inspector.certificate_valid_until},LE,,,在岗,,,3"
    report = _run(staff_a, _csv(row))
    assert (report.applied, report.updated) == (True, 1)
    inspector.refresh_from_db()
    assert (inspector.name, inspector.post) == ("新名", "科长")
    report = _run(staff_a, _csv(row))
    assert (report.updated, report.unchanged) == (0, 1)


def test_gbk_file_is_read(staff_a):
    report = _run(staff_a, _csv(GOOD, encoding="gbk"))
    assert report.applied
    assert Inspector.objects.get().name == "王五"


def test_xlsx_file_is_read(staff_a):
    rows = [HEADER.strip().split(","), GOOD.split(",")]
    report = _run(staff_a, _xlsx(rows), filename="people.xlsx")
    assert report.applied and report.created == 1


def test_undecodable_file_is_refused(staff_a):
    with pytest.raises(ImportFileError, match="编码"):
        _run(staff_a, b"\xff\xfe\xfa\xfb\x81\x30" * 10 + b"\n\xff\xff\xff")


def test_empty_file_is_refused(staff_a):
    with pytest.raises(ImportFileError, match="为空"):
        _run(staff_a, b"")
    with pytest.raises(ImportFileError, match="为空"):
        _run(staff_a, b"\n \n")
    with pytest.raises(ImportFileError, match="没有数据行"):
        _run(staff_a, HEADER.encode())


def test_missing_columns_are_named(staff_a):
    with pytest.raises(ImportFileError, match="姓名"):
        _run(staff_a, _csv("DEPA", header="部门代码\n"))


def test_damaged_xlsx_is_refused(staff_a):
    with pytest.raises(ImportFileError, match="已损坏"):
        _run(staff_a, b"PK\x03\x04garbage", filename="x.xlsx")


def test_one_bad_row_imports_nothing_and_every_error_is_reported(staff_a, department_a):
    make_inspector(department_a, certificate_number="TAKEN")
    rows = [
        GOOD,
        ",,DEPA,,,,,,,,,,,",  # no name
        ",坏日期,DEPA,,ZJ200,2024-13-01,2030-01-01,,,,,,,",
        ",坏标签,DEPA,,,,,食品,,,,,,",
        ",坏状态,DEPA,,,,,,,,出差,,,",
        ",重号,DEPA,,ZJ100,2024-01-01,2030-01-01,,,,,,,",  # duplicate of GOOD within the file
        ",被占,DEPA,,TAKEN,2024-01-01,2030-01-01,,,,,,,",  # held by a serving inspector
        "DEPA-9999,不存在,DEPA,,,,,,,,,,,",
        ",外部门,DEPB,,,,,,,,,,,",
        ",负载,DEPA,,,,,,,,,,,x",
        ",退休新人,DEPA,,,,,,,,退休,,,",
    ]
    report = _run(staff_a, _csv(*rows))
    assert not report.applied
    assert Inspector.objects.count() == 1  # only the pre-existing one
    by_row = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error)
    assert sorted(by_row) == list(range(3, 13))
    assert by_row[3][0].column == "姓名"
    assert by_row[4][0].column == "执法证有效期起"
    assert by_row[5][0].column == "标签"
    assert "第 2 行" in by_row[7][0].message
    assert by_row[8][0].column == "执法证号"
    assert "不存在" in by_row[9][0].message
    assert "本部门" in by_row[10][0].message
    assert all(error.message for error in report.errors)


def test_formula_like_names_are_stored_as_text_as_in_the_object_import(staff_a):
    # one rule for every import: cells are data, never evaluated; exports guard them
    report = _run(
        staff_a, _csv(',"=HYPERLINK(""http://evil"")",DEPA,,,,,,,,,,,', ",@SUM(A1),DEPA,,,,,,,,,,,")
    )
    assert report.applied, report.errors
    assert set(Inspector.objects.values_list("name", flat=True)) == {
        '=HYPERLINK("http://evil")',
        "@SUM(A1)",
    }


def test_formula_in_xlsx_is_stored_as_its_text(staff_a):
    rows = [["姓名", "部门代码"], ["=1+1", "DEPA"]]
    report = _run(staff_a, _xlsx(rows), filename="x.xlsx")
    assert report.applied
    assert Inspector.objects.get().name == "=1+1"


def test_another_departments_code_is_reported_as_missing(staff_b, department_a):
    make_inspector(department_a, code="DEPA-0001")
    report = _run(staff_b, _csv("DEPA-0001,改名,,,,,,,,,,,,"))
    assert "不存在" in report.errors[0].message


def test_read_only_roles_cannot_import(inspector_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _run(inspector_a, _csv(GOOD))


def test_experts_are_imported_by_the_office_only(office_admin, dept_admin_a):
    from django.core.exceptions import PermissionDenied

    content = "专家编码,姓名,所在单位,专业领域,标签,状态,同期最多参加检查组数\n,钱七,临江大学,食品安全,FOOD,在岗,2\n".encode()
    with pytest.raises(PermissionDenied):
        _run(dept_admin_a, content, kind="experts")
    report = _run(office_admin, content, kind="experts")
    assert report.applied
    assert Expert.objects.get().code == "EXPERT-0001"


def test_expert_rows_are_validated(office_admin):
    content = "姓名,所在单位,专业领域,标签\n钱七,,食品,FOOD\n孙八,院,药品,药\n".encode()
    report = _run(office_admin, content, kind="experts")
    assert not report.applied
    assert [(error.row, error.column) for error in report.errors] == [(2, "所在单位"), (3, "标签")]
    assert Expert.objects.count() == 0


def test_rows_keep_the_sheets_numbers_after_blank_rows(staff_a):
    report = _run(staff_a, ("\n" + HEADER + GOOD + "\n\n,,DEPA,,,,,,,,,,,\n").encode())
    assert [(error.row, error.column) for error in report.errors] == [(5, "姓名")]


def test_an_expired_certificate_and_an_unknown_tag_are_reported(staff_a, department_a):
    make_inspector(department_a, tags=["FOOD", "DRUG"])
    expired = ",钱七,DEPA,科员,ZJ300,2015-01-01,2020-12-31,FODD,330102,,在岗,,,2"
    report = _run(staff_a, _csv(GOOD, expired), apply=False)
    assert report.ok  # warnings do not block
    assert [(warning.row, warning.column) for warning in report.warnings] == [
        (3, "执法证有效期至"),
        (3, "标签"),
    ]
    assert "已于 2020-12-31 过期" in report.warnings[0].message
    assert "FODD" in report.warnings[1].message
    assert report.as_dict()["warnings"][1]["row"] == 3


def test_an_impossible_date_is_named_as_such(staff_a):
    report = _run(staff_a, _csv(",王五,DEPA,,ZJ100,2025/2/30,2030-12-31,,,,,,,"))
    assert [error.message for error in report.errors] == ["日期不存在：2025/2/30（请检查月份和日）"]


def test_a_legacy_xls_is_read(staff_a, tmp_path):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("人员")
    for number, row in enumerate([HEADER.strip().split(","), GOOD.split(",")]):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    book.save(str(tmp_path / "people.xls"))
    report = _run(staff_a, (tmp_path / "people.xls").read_bytes(), filename="people.xls")
    assert report.applied and report.created == 1


def test_the_file_is_read_by_a_worker_job(staff_a, monkeypatch):
    from platform_site.jobs import read_table_job

    sent = []
    original = read_table_job.apply_async

    def spy(args=None, **kwargs):
        sent.append(args)
        return original(args=args, **kwargs)

    monkeypatch.setattr(read_table_job, "apply_async", spy)
    assert _run(staff_a, _csv(GOOD), apply=False).ok
    assert len(sent) == 1
    assert sent[0][0].startswith("uploads/reading/") and sent[0][1:] == ("csv", 20_000)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_imports_back_unchanged(staff_a, department_a, file_format):
    from registries.inspectors.exports import export_response
    from registries.inspectors.importing import KIND_INSPECTORS

    # given: inspectors whose names look like formulas (single entry stores them as text)
    for name in ("=1+2", "-王", "'=引号"):
        make_inspector(department_a, name=name, tags=["FOOD", "LE"], grid="330102-01")
    response = export_response(KIND_INSPECTORS, Inspector.objects.order_by("pk"), file_format)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    # when
    report = _run(staff_a, content, filename=f"inspectors.{file_format}")
    # then
    assert report.applied, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert sorted(Inspector.objects.values_list("name", flat=True)) == ["'=引号", "-王", "=1+2"]
