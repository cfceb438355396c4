"""matter_import_preview and matter_import_apply, with the real provincial lists and bad files."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from catalog.choices import ImportStatus, InspectionMethod, MatterCategory, MatterStatus
from catalog.models import Matter, MatterImport, MatterRevision
from catalog.services import matter_import_apply, matter_import_preview
from tests.catalog.conftest import HAINAN_2020, HAINAN_JOINT


def preview(user, path=HAINAN_2020, **options):
    options.setdefault("effective_from", date(2020, 6, 1))
    return matter_import_preview(
        uploaded_by=user, content=path.read_bytes(), filename=path.name, **options
    )


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


HEADER = ["序号", "抽查事项", "检查对象", "事项类别", "检查方式", "检查主体", "检查依据"]


def test_preview_of_the_2020_list_adds_293_matters_and_writes_none(office_admin, city_departments):
    matter_import = preview(office_admin, code_prefix="HN2020-")
    assert matter_import.status == ImportStatus.PREVIEWED
    assert matter_import.added_count == 293
    assert (
        matter_import.changed_count,
        matter_import.retired_count,
        matter_import.unchanged_count,
    ) == (0, 0, 0)
    assert matter_import.list_year == 2020
    assert matter_import.list_name == "海南省市场监管领域随机抽查事项清单（2020年版）"
    assert Matter.objects.count() == 0
    assert AuditEvent.objects.filter(action="matter_import.preview").count() == 1


def test_apply_of_the_2020_list_creates_every_matter_with_departments_and_history(
    office_admin, city_departments
):
    matter_import = matter_import_apply(
        matter_import=preview(office_admin, code_prefix="HN2020-"), applied_by=office_admin
    )
    assert matter_import.status == ImportStatus.APPLIED
    assert Matter.objects.count() == 293
    assert Matter.objects.filter(category=MatterCategory.KEY).count() == 30
    assert not Matter.objects.filter(
        category=MatterCategory.GENERAL, ratio_cap_bp__isnull=True
    ).exists()
    annual = Matter.objects.get(code="HN2020-96-1")
    assert annual.name == "年度报告公示信息的检查"
    assert [d.code for d in annual.implementing_departments.all()] == ["SAMR"]
    assert annual.ratio_cap_bp == 500
    assert InspectionMethod.ON_SITE in annual.methods
    labour = Matter.objects.filter(compiling_department="省人力资源和社会保障厅").first()
    assert [d.code for d in labour.implementing_departments.all()] == ["HRSS"]
    police = Matter.objects.filter(compiling_department="省公安厅").first()
    assert police.implementing_departments.count() == 0
    assert "公安" in police.implementing_subject_text
    assert MatterRevision.objects.filter(matter_import=matter_import).count() == 293
    assert AuditEvent.objects.filter(action="matter_import.apply").count() == 1


def test_preview_warns_about_names_that_match_no_city_department(office_admin, city_departments):
    matter_import = preview(office_admin, code_prefix="HN2020-")
    wordings = {
        warning["wording"]
        for warning in matter_import.warnings
        if warning["kind"] == "implementing"
    }
    assert "县级以上(含县级）公安机关" in wordings


def test_joint_list_has_83_joint_matters_with_lead_and_cooperating_departments(
    office_admin, city_departments
):
    matter_import = matter_import_apply(
        matter_import=preview(office_admin, HAINAN_JOINT, code_prefix="HNLH-"),
        applied_by=office_admin,
    )
    assert matter_import.added_count == 83
    joint = Matter.objects.filter(is_joint=True)
    assert joint.count() == 83
    housing = Matter.objects.get(code="HNLH-1-2")
    assert [d.code for d in housing.implementing_departments.all()] == ["HOUSE"]
    assert housing.participating_departments_text == "市场监管领域相关部门"
    assert Matter.objects.filter(participating_departments__code="SAMR").exists()


def test_reimport_of_the_same_file_is_all_unchanged(office_admin, city_departments):
    matter_import_apply(
        matter_import=preview(office_admin, code_prefix="HN2020-"), applied_by=office_admin
    )
    again = preview(office_admin, code_prefix="HN2020-")
    assert (again.added_count, again.changed_count, again.retired_count, again.unchanged_count) == (
        0,
        0,
        0,
        293,
    )
    assert not again.has_changes


def test_applying_twice_is_refused(office_admin, city_departments):
    matter_import = matter_import_apply(
        matter_import=preview(office_admin, code_prefix="HN2020-"), applied_by=office_admin
    )
    with pytest.raises(ValidationError, match="已导入"):
        matter_import_apply(matter_import=matter_import, applied_by=office_admin)
    assert Matter.objects.count() == 293


def test_changed_file_shows_field_level_changes_and_retires_absent_matters(
    office_admin, city_departments
):
    # given a small list already imported
    rows = [
        HEADER,
        [
            "1",
            "年度报告公示信息的检查",
            "企业",
            "一般检查事项",
            "现场检查",
            "县级以上市场监管部门",
            "《企业信息公示暂行条例》",
        ],
        [
            "2",
            "明码标价情况的检查",
            "经营者",
            "一般检查事项",
            "现场检查",
            "县级以上市场监管部门",
            "《价格法》",
        ],
        [
            "3",
            "排污许可检查",
            "排污单位",
            "重点检查事项",
            "现场检查",
            "生态环境部门",
            "《环境保护法》",
        ],
    ]
    first = matter_import_preview(
        uploaded_by=office_admin,
        content=csv_bytes(rows),
        filename="list.csv",
        list_name="测试清单",
        code_prefix="T-",
    )
    matter_import_apply(matter_import=first, applied_by=office_admin)
    # when the next version changes matter 2 and drops matter 3
    rows[2] = [
        "2",
        "明码标价情况的检查",
        "经营者",
        "重点检查事项",
        "现场检查、书面检查",
        "县级以上市场监管部门",
        "《价格法》",
    ]
    del rows[3]
    second = matter_import_preview(
        uploaded_by=office_admin,
        content=csv_bytes(rows, "gbk"),
        filename="list.csv",
        list_name="测试清单",
        code_prefix="T-",
        complete_list=True,
    )
    # then
    assert (
        second.added_count,
        second.changed_count,
        second.retired_count,
        second.unchanged_count,
    ) == (0, 1, 1, 1)
    (change,) = second.diff["changed"]
    assert change["code"] == "T-2"
    assert change["changes"]["category"] == ["general", "key"]
    assert change["changes"]["methods"] == [["on_site"], ["on_site", "written"]]
    assert change["changes"]["ratio_cap_bp"] == [500, None]
    assert second.diff["retired"] == [{"code": "T-3", "name": "排污许可检查"}]
    matter_import_apply(matter_import=second, applied_by=office_admin)
    changed = Matter.objects.get(code="T-2")
    assert changed.category == MatterCategory.KEY and changed.revision == 2
    retired = Matter.objects.get(code="T-3")
    assert retired.status == MatterStatus.RETIRED and retired.effective_until is not None
    # a third import that lists the retired matter again brings it back
    rows.append(
        [
            "3",
            "排污许可检查",
            "排污单位",
            "重点检查事项",
            "现场检查",
            "生态环境部门",
            "《环境保护法》",
        ]
    )
    third = matter_import_preview(
        uploaded_by=office_admin,
        content=csv_bytes(rows),
        filename="list.csv",
        list_name="测试清单",
        code_prefix="T-",
    )
    assert third.diff["changed"][0]["changes"]["status"] == ["retired", "active"]
    matter_import_apply(matter_import=third, applied_by=office_admin)
    retired.refresh_from_db()
    assert retired.status == MatterStatus.ACTIVE and retired.effective_until is None


def test_without_complete_list_nothing_is_retired(office_admin, city_departments):
    rows = [
        HEADER,
        ["1", "事项一", "企业", "一般检查事项", "现场检查", "市场监管部门", "法"],
        ["2", "事项二", "企业", "一般检查事项", "现场检查", "市场监管部门", "法"],
    ]
    matter_import_apply(
        matter_import=matter_import_preview(
            uploaded_by=office_admin,
            content=csv_bytes(rows),
            filename="a.csv",
            list_name="L",
            code_prefix="L-",
        ),
        applied_by=office_admin,
    )
    second = matter_import_preview(
        uploaded_by=office_admin,
        content=csv_bytes(rows[:2]),
        filename="a.csv",
        list_name="L",
        code_prefix="L-",
    )
    assert second.retired_count == 0


def test_apply_is_refused_when_the_list_changed_after_the_preview(office_admin, city_departments):
    from catalog.services import matter_update

    rows = [HEADER, ["1", "事项一", "企业", "一般检查事项", "现场检查", "市场监管部门", "法"]]
    matter_import_apply(
        matter_import=matter_import_preview(
            uploaded_by=office_admin, content=csv_bytes(rows), filename="a.csv", code_prefix="L-"
        ),
        applied_by=office_admin,
    )
    rows[1][1] = "事项一（新）"
    pending = matter_import_preview(
        uploaded_by=office_admin, content=csv_bytes(rows), filename="a.csv", code_prefix="L-"
    )
    matter_update(
        matter=Matter.objects.get(code="L-1"),
        updated_by=office_admin,
        data={"object_type": "个体工商户"},
    )
    with pytest.raises(ValidationError, match="重新上传"):
        matter_import_apply(matter_import=pending, applied_by=office_admin)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        (
            "list.csv",
            "序号,抽查事项\n1,事项\n".encode("utf-16-le")[2:] + b"\xff\xfe\x00\xd8",
            "编码",
        ),
        ("list.csv", csv_bytes([["序号", "检查对象"], ["1", "企业"]]), "缺少必填列"),
        ("list.csv", b"", "文件为空"),
        ("list.txt", b"abc", "不支持的文件格式"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(office_admin, filename, content, message):
    with pytest.raises(ValidationError) as error:
        matter_import_preview(uploaded_by=office_admin, content=content, filename=filename)
    assert message in str(error.value)
    assert MatterImport.objects.count() == 0


def test_formula_cells_stay_text(office_admin, city_departments):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(
        ["1", '=HYPERLINK("http://x")', "企业", "一般检查事项", "现场检查", "市场监管部门", "法"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    matter_import = matter_import_preview(
        uploaded_by=office_admin, content=buffer.getvalue(), filename="f.xlsx"
    )
    matter_import_apply(matter_import=matter_import, applied_by=office_admin)
    assert Matter.objects.get().name == '=HYPERLINK("http://x")'


def test_only_office_admins_import(staff_a, dept_admin_a):
    for user in (staff_a, dept_admin_a):
        with pytest.raises(PermissionDenied):
            preview(user)


def test_a_zip_bomb_is_refused_in_the_worker_before_it_is_parsed(
    office_admin, city_departments, tmp_path, monkeypatch
):
    from catalog.jobs import read_matter_list_job
    from tests.platform.spreadsheets import SHEET_HEAD, MiB, Repeated, xlsx

    # given: a sheet that inflates to 512 MiB, sent through the worker job
    sheet = Repeated(SHEET_HEAD + b"<sheetData>", b" " * MiB, 512, b"</sheetData></worksheet>")
    content = xlsx(tmp_path / "bomb.xlsx", sheet).read_bytes()
    sent = []
    original = read_matter_list_job.apply_async

    def spy(args=None, **kwargs):
        sent.append(args)
        return original(args=args, **kwargs)

    monkeypatch.setattr(read_matter_list_job, "apply_async", spy)
    # when / then
    with pytest.raises(ValidationError) as error:
        matter_import_preview(uploaded_by=office_admin, content=content, filename="bomb.xlsx")
    assert "该 Excel 文件不能读取" in " ".join(error.value.message_dict["file"])
    assert len(sent) == 1
    assert not MatterImport.objects.exists()


def test_the_platforms_export_guard_is_not_read_as_data(office_admin, city_departments):
    rows = [HEADER, ["1", "'=SUM(A1)", "企业", "一般检查事项", "现场检查", "市场监管部门", "法"]]
    matter_import = matter_import_preview(
        uploaded_by=office_admin, content=csv_bytes(rows), filename="list.csv"
    )
    assert matter_import.diff["added"][0]["name"] == "=SUM(A1)"
