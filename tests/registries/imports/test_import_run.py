import pytest

from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.uscc import USCC_ALPHABET
from tests.registries.imports.conftest import csv_bytes, object_rows, read_report

pytestmark = pytest.mark.django_db


def test_valid_file_is_imported_with_the_department_as_supervisor(run_import, dept_admin_a):
    # given
    rows = object_rows(25)
    # when
    job = run_import(dept_admin_a, csv_bytes(rows))
    # then
    assert job.status == "succeeded", job.failure_reason
    assert (job.inserted_count, job.updated_count, job.invalid_rows) == (25, 0, 0)
    assert job.processed_rows == job.total_rows == 25
    assert InspectionObject.objects.count() == 25
    first = InspectionObject.objects.get(code=rows[0][0])
    assert first.licence_types == ["食品经营", "药品经营"]
    assert first.industry_code == "F5221"
    assert first.risk_class == "B"
    assert (
        ObjectSupervision.objects.filter(
            department=dept_admin_a.department, status="claimed"
        ).count()
        == 25
    )
    assert not job.error_report


def test_bad_check_character_is_reported_with_the_expected_character(run_import, dept_admin_a):
    rows = object_rows(3)
    good = rows[1][0]
    wrong = next(char for char in USCC_ALPHABET if char != good[-1])
    rows[1][0] = good[:-1] + wrong
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.status == "succeeded"
    assert (job.inserted_count, job.invalid_rows) == (2, 1)
    report = read_report(job)
    assert report[0] == ["行号", "列", "值", "原因"]
    assert report[1] == [
        "3",
        "统一社会信用代码",
        rows[1][0],
        f"统一社会信用代码校验位错误，应为 {good[-1]}",
    ]


def test_code_length_and_charset_are_explained(run_import, dept_admin_a):
    rows = object_rows(4)
    rows[0][0] = rows[0][0][:17]
    rows[1][0] = rows[1][0][:10] + "I" + rows[1][0][11:]
    rows[2][0] = rows[2][0][:4] + "A" + rows[2][0][5:]
    rows[3][0] = ""
    job = run_import(dept_admin_a, csv_bytes(rows))
    reasons = [line[3] for line in read_report(job)[1:]]
    assert reasons[0] == "统一社会信用代码应为 18 位，实际为 17 位"
    assert reasons[1].startswith("统一社会信用代码第 11 位字符“I”不合法")
    assert reasons[2].startswith("统一社会信用代码第 5 位应为数字")
    assert reasons[3] == "必填项为空"
    assert job.invalid_rows == 4
    assert job.status == "succeeded"
    assert job.inserted_count == 0


def test_every_field_rule_is_checked_and_reported_per_column(run_import, dept_admin_a):
    header = ["对象编码", "名称", "对象类型", "行政区划代码", "行业代码", "规模", "信用风险分类", "登记状态",
              "监管部门", "经营异常名录日期", "网格"]  # fmt: skip
    code = object_rows(1)[0][0]
    rows = [
        [
            code,
            "",
            "公司",
            "33010",
            "5221X",
            "特大",
            "E",
            "歇业",
            "不存在的局",
            "2024-02-30",
            "网" * 41,
        ],
        [
            "PRD-0001",
            "某产品",
            "产品",
            "330102",
            "C1311",
            "小型",
            "a类",
            "存续",
            "DEPA；甲部门（市场监管局）",
            "2024/3/5",
            "",
        ],
    ]
    job = run_import(dept_admin_a, csv_bytes(rows, header=header))
    report = read_report(job)[1:]
    by_column = {line[1]: line[3] for line in report}
    assert all(line[0] == "2" for line in report)
    assert by_column["名称"] == "必填项为空"
    assert by_column["对象类型"].startswith("无法识别的对象类型")
    assert by_column["行政区划代码"].startswith("行政区划代码应为 6 位数字")
    assert by_column["行业代码"].startswith("行业代码格式错误")
    assert by_column["规模"].startswith("无法识别的规模")
    assert by_column["信用风险分类"].startswith("无法识别的信用风险分类")
    assert by_column["登记状态"].startswith("无法识别的登记状态")
    assert by_column["监管部门"] == "未知的监管部门：不存在的局（请填写部门代码或名称）"
    assert by_column["经营异常名录日期"] == "日期不存在：2024-02-30（请检查月份和日）"
    assert by_column["网格"] == "内容过长，最多 40 个字符"
    product = InspectionObject.objects.get(code="PRD-0001")
    assert (product.kind, product.risk_class, product.status) == ("product", "A", "active")
    assert product.anomaly_since.isoformat() == "2024-03-05"
    assert list(product.supervisions.values_list("department__code", flat=True)) == ["DEPA"]


def test_duplicates_within_the_file_keep_the_first_valid_row(run_import, dept_admin_a):
    rows = object_rows(3)
    rows.append([rows[0][0].lower(), "重复的企业", "企业", "330102", "", "", "", ""])
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.inserted_count == 3
    assert read_report(job)[1] == ["5", "统一社会信用代码", rows[0][0], "与文件第 2 行的编码重复"]
    assert InspectionObject.objects.get(code=rows[0][0]).name == rows[0][1]


def test_existing_objects_are_updated_with_history(run_import, dept_admin_a):
    # given: an earlier import
    rows = object_rows(3)
    run_import(dept_admin_a, csv_bytes(rows))
    # when: the same objects come again, one renamed and one with a new risk class
    rows[0][1] = "改名后的企业有限公司"
    rows[1][6] = "D"
    job = run_import(dept_admin_a, csv_bytes(rows))
    # then
    assert (job.inserted_count, job.updated_count, job.unchanged_count) == (0, 2, 1)
    change = ObjectChange.objects.get(inspection_object__code=rows[0][0], source="import")
    assert change.changes == {"name": [object_rows(3)[0][1], "改名后的企业有限公司"]}
    assert change.changed_by == dept_admin_a
    assert ObjectChange.objects.get(inspection_object__code=rows[1][0]).changes == {
        "risk_class": ["B", "D"]
    }


def test_blank_enumeration_cells_keep_the_existing_value(run_import, dept_admin_a):
    rows = object_rows(1)
    rows[0][6] = "C"
    run_import(dept_admin_a, csv_bytes(rows))
    rows[0][6] = ""
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert job.unchanged_count == 1
    assert InspectionObject.objects.get().risk_class == "C"


def test_report_policy_refuses_codes_already_in_the_registry(run_import, dept_admin_a):
    rows = object_rows(3)
    run_import(dept_admin_a, csv_bytes(rows[:1]))
    job = run_import(dept_admin_a, csv_bytes(rows), duplicate_policy="report")
    assert (job.inserted_count, job.updated_count, job.invalid_rows) == (2, 0, 1)
    assert read_report(job)[1][:3] == ["2", "统一社会信用代码", rows[0][0]]
    assert "已在名录库中" in read_report(job)[1][3]


def test_all_or_nothing_rejects_the_whole_file_for_one_bad_row(run_import, dept_admin_a):
    rows = object_rows(5)
    rows[4][3] = "abc"
    job = run_import(dept_admin_a, csv_bytes(rows), mode="all_or_nothing")
    assert job.status == "rejected"
    assert (job.inserted_count, job.invalid_rows, job.valid_rows) == (0, 1, 4)
    assert not InspectionObject.objects.exists()
    assert job.error_report


def test_all_or_nothing_imports_a_clean_file(run_import, dept_admin_a):
    job = run_import(dept_admin_a, csv_bytes(object_rows(5)), mode="all_or_nothing")
    assert job.status == "succeeded"
    assert InspectionObject.objects.count() == 5


def test_a_department_cannot_overwrite_another_departments_object(
    run_import, dept_admin_a, dept_admin_b
):
    rows = object_rows(2)
    run_import(dept_admin_b, csv_bytes(rows[:1]))
    rows[0][1] = "甲部门想改的名字"
    job = run_import(dept_admin_a, csv_bytes(rows))
    assert (job.inserted_count, job.updated_count, job.invalid_rows) == (1, 0, 1)
    assert "不由本部门监管" in read_report(job)[1][3]
    assert InspectionObject.objects.get(code=rows[0][0]).name == object_rows(1)[0][1]


def test_office_import_names_supervising_departments(
    run_import, office_admin, department_a, department_b
):
    rows = object_rows(2)
    rows[0][7] = "DEPA;生态环境局"
    job = run_import(office_admin, csv_bytes(rows))
    assert job.status == "succeeded"
    assert sorted(ObjectSupervision.objects.filter(inspection_object__code=rows[0][0]).values_list(
        "department__code", flat=True)) == ["DEPA", "DEPB"]  # fmt: skip
    assert not ObjectSupervision.objects.filter(inspection_object__code=rows[1][0]).exists()


def test_the_audit_trail_records_the_counts(run_import, dept_admin_a):
    from accounts.models import AuditEvent

    job = run_import(dept_admin_a, csv_bytes(object_rows(4)))
    event = AuditEvent.objects.get(action="registries.import")
    assert event.details["inserted"] == 4
    assert event.details["status"] == "succeeded"
    assert event.target_id == str(job.pk)
    assert AuditEvent.objects.filter(action="registries.import_upload").count() == 1
