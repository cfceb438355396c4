"""An import changes only what the importing department may change (issue 11).

A department's import updates only objects it supervises undisputed, and claims only for itself;
the office may change any object and assign supervising departments. A blank cell never erases a
stored value: clearing is asked for explicitly with the marker 【清空】 (or [清空]); a special-list
flag is never cleared by an import. Every change an import makes to an existing object, its
supervising departments included, leaves a history row.
"""

import datetime as dt

import pytest

from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.objects.importing import merge
from registries.objects.services import object_claim
from tests.registries.imports.conftest import csv_bytes, object_rows, read_report

pytestmark = pytest.mark.django_db

HEADER = [
    "统一社会信用代码", "名称", "对象类型", "行政区划代码", "信用风险分类", "规模", "住所", "许可类别",
    "监管部门", "严重违法失信名单日期", "严重违法失信名单来源",
]  # fmt: skip


def rows_of(count: int, seed: int = 31) -> list[list[str]]:
    return [
        [row[0], row[1], "企业", "330102", "A", "小型", "临江市江滨路1号", "食品经营", "", "", ""]
        for row in object_rows(count, seed)
    ]


@pytest.fixture(params=["staging", "bulk"])
def path(request, monkeypatch):
    """Both merge paths: the everyday staging merge, and the rebuild of a large import (any size
    here) into a registry that holds objects."""
    if request.param == "bulk":
        monkeypatch.setattr(merge, "BULK_REBUILD_MIN_ROWS", 1)
    return request.param


@pytest.fixture
def samr_object(run_import, dept_admin_b, path):
    """An object supervised by department B, on the serious-violation list, risk class A."""
    rows = rows_of(1)
    rows[0][9:11] = ["2025-03-01", "临市监罚〔2025〕1号"]
    job = run_import(dept_admin_b, csv_bytes(rows, header=HEADER))
    assert job.status == "succeeded", job.failure_reason
    return InspectionObject.objects.get(code=rows[0][0]), rows


def snapshot(inspection_object):
    inspection_object.refresh_from_db()
    return (
        inspection_object.name,
        inspection_object.risk_class,
        inspection_object.scale,
        inspection_object.address,
        inspection_object.licence_types,
        inspection_object.serious_violation_since,
        inspection_object.serious_violation_source,
        sorted(inspection_object.supervisions.values_list("department__code", "status")),
    )


def test_a_department_with_a_disputed_claim_cannot_change_the_object(
    run_import, samr_object, dept_admin_a
):
    # given: department A claims B's object (disputed, waiting for the office)
    inspection_object, rows = samr_object
    object_claim(inspection_object=inspection_object, claimed_by=dept_admin_a)
    before = snapshot(inspection_object)
    history = ObjectChange.objects.count()
    # when: A imports the object with another risk class and an empty flag date
    rows[0][4] = "D"
    rows[0][9:11] = ["", ""]
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    # then: the row is refused with the reason, nothing changes
    assert (job.updated_count, job.invalid_rows) == (0, 1)
    report = read_report(job)[1]
    assert report[:3] == ["2", "统一社会信用代码", rows[0][0]]
    assert "尚待联席办确认" in report[3]
    assert snapshot(inspection_object) == before
    assert ObjectChange.objects.count() == history


def test_a_department_cannot_change_an_object_nobody_supervises(run_import, dept_admin_a):
    rows = rows_of(1)
    inspection_object = InspectionObject.objects.create(
        code=rows[0][0], name="无人监管的企业", region_code="330102"
    )
    rows[0][1] = "甲部门改的名字"
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    assert (job.updated_count, job.invalid_rows) == (0, 1)
    assert "不由本部门监管" in read_report(job)[1][3]
    inspection_object.refresh_from_db()
    assert inspection_object.name == "无人监管的企业"
    assert not inspection_object.supervisions.exists()


def test_a_blank_cell_never_erases_a_stored_value(run_import, samr_object, dept_admin_b):
    # given: B's own object with a scale, an address, licences and a serious-violation flag
    inspection_object, rows = samr_object
    before = snapshot(inspection_object)
    # when: B imports it again with every optional cell blank
    blank = [rows[0][0], rows[0][1], "", rows[0][3], "", "", "", "", "", "", ""]
    job = run_import(dept_admin_b, csv_bytes([blank], header=HEADER))
    # then: nothing changed, nothing recorded
    assert (job.status, job.updated_count, job.unchanged_count) == ("succeeded", 0, 1)
    assert snapshot(inspection_object) == before
    assert not ObjectChange.objects.filter(source="import").exists()


def test_the_clear_marker_clears_a_value_and_the_history_says_so(
    run_import, samr_object, dept_admin_b
):
    inspection_object, rows = samr_object
    rows[0][5] = "【清空】"  # 规模
    rows[0][6] = " [清空] "  # 住所, spaces around the marker
    rows[0][7] = "[清空]"  # 许可类别
    job = run_import(dept_admin_b, csv_bytes(rows, header=HEADER))
    assert (job.updated_count, job.invalid_rows) == (1, 0), read_report(job)
    inspection_object.refresh_from_db()
    assert (inspection_object.scale, inspection_object.address) == ("", "")
    assert inspection_object.licence_types == []
    change = ObjectChange.objects.get(source="import")
    assert change.changes == {
        "scale": ["small", ""],
        "address": ["临江市江滨路1号", ""],
        "licence_types": [["食品经营"], []],
    }
    assert change.changed_by.department.code == "DEPB"


def test_the_clear_marker_in_a_new_row_leaves_the_field_blank(run_import, dept_admin_a, path):
    rows = rows_of(2)
    rows[1][5] = "【清空】"
    rows[1][6] = "[清空]"
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    assert (job.inserted_count, job.invalid_rows) == (2, 0)
    created = InspectionObject.objects.get(code=rows[1][0])
    assert (created.scale, created.address) == ("", "")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (9, "不能通过导入移出"),  # 严重违法失信名单日期
        (10, "不能清空"),  # 严重违法失信名单来源
        (2, "不能清空"),  # 对象类型
        (4, "不能清空"),  # 信用风险分类
        (1, "必填"),  # 名称
    ],
)
def test_a_special_list_flag_and_required_values_cannot_be_cleared(
    run_import, samr_object, dept_admin_b, column, expected
):
    inspection_object, rows = samr_object
    before = snapshot(inspection_object)
    rows[0][column] = "【清空】"
    job = run_import(dept_admin_b, csv_bytes(rows, header=HEADER))
    assert (job.updated_count, job.invalid_rows) == (0, 1)
    assert expected in read_report(job)[1][3]
    assert snapshot(inspection_object) == before


def test_a_department_import_names_no_other_department(
    run_import, dept_admin_a, department_b, office, path
):
    # given: a file naming department B, the office, and department A itself
    rows = rows_of(3)
    rows[0][8] = "DEPB"
    rows[1][8] = "联席办"
    rows[2][8] = "DEPA"
    # when
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    # then: only the row naming A goes in, supervised by A
    assert (job.inserted_count, job.invalid_rows) == (1, 2)
    reasons = {line[0]: line[3] for line in read_report(job)[1:]}
    assert "只能填写本部门" in reasons["2"]
    assert "联席办不是监管部门" in reasons["3"]
    assert set(ObjectSupervision.objects.values_list("department__code", flat=True)) == {"DEPA"}


def test_a_department_import_cannot_add_another_department_to_its_own_object(
    run_import, samr_object, dept_admin_b, department_a
):
    inspection_object, rows = samr_object
    rows[0][8] = "DEPB;DEPA"
    job = run_import(dept_admin_b, csv_bytes(rows, header=HEADER))
    assert job.invalid_rows == 1
    assert "只能填写本部门" in read_report(job)[1][3]
    assert list(inspection_object.supervisions.values_list("department__code", flat=True)) == [
        "DEPB"
    ]


def test_the_office_assigns_supervisors_with_history_but_never_itself(
    run_import, samr_object, office_admin, department_a
):
    inspection_object, rows = samr_object
    other = rows_of(2, seed=32)[1]
    other[8] = "LXB"
    rows[0][8] = "DEPA"
    job = run_import(office_admin, csv_bytes([rows[0], other], header=HEADER))
    assert (job.updated_count, job.inserted_count, job.invalid_rows) == (1, 0, 1)
    assert "联席办不是监管部门" in read_report(job)[1][3]
    assert sorted(inspection_object.supervisions.values_list("department__code", "status")) == [
        ("DEPA", "claimed"),
        ("DEPB", "claimed"),
    ]
    change = ObjectChange.objects.get(source="import", inspection_object=inspection_object)
    assert change.changes == {"supervision.DEPA": [None, "claimed"]}
    assert change.changed_by == office_admin


def test_a_department_changes_its_own_object_with_a_history_row_per_import(
    run_import, samr_object, dept_admin_b
):
    inspection_object, rows = samr_object
    rows[0][4] = "C"
    rows[0][9] = "2025-04-02"
    job = run_import(dept_admin_b, csv_bytes(rows, header=HEADER))
    assert job.updated_count == 1
    inspection_object.refresh_from_db()
    assert inspection_object.serious_violation_since == dt.date(2025, 4, 2)
    assert ObjectChange.objects.get(source="import").changes == {
        "risk_class": ["A", "C"],
        "serious_violation_since": ["2025-03-01", "2025-04-02"],
    }


def test_a_department_that_supervises_with_another_may_change_the_object(
    run_import, dept_admin_a, dept_admin_b, office_admin, department_a, department_b
):
    # given: an object both departments supervise, the claim settled by the office
    rows = rows_of(1)
    rows[0][8] = "DEPA;DEPB"
    run_import(office_admin, csv_bytes(rows, header=HEADER))
    # when
    rows[0][8] = ""
    rows[0][4] = "C"
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    # then
    assert (job.updated_count, job.invalid_rows) == (1, 0)
    assert InspectionObject.objects.get().risk_class == "C"


def test_a_department_may_name_the_departments_already_supervising_its_object(
    run_import, dept_admin_a, office_admin, department_a, department_b, path
):
    # given: an object both departments supervise (an exported list names them both)
    rows = rows_of(1)
    rows[0][8] = "DEPA;DEPB"
    run_import(office_admin, csv_bytes(rows, header=HEADER))
    # when: department A imports the row as exported
    rows[0][8] = "DEPA DEPB"
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER))
    # then: accepted, and nothing changes
    assert (job.invalid_rows, job.updated_count, job.unchanged_count) == (0, 0, 1)
    assert ObjectSupervision.objects.count() == 2


def test_reporting_duplicates_a_department_still_names_no_other_department(
    run_import, dept_admin_a, department_b, path
):
    rows = rows_of(3)
    run_import(dept_admin_a, csv_bytes(rows[:1], header=HEADER))
    rows[2][8] = "DEPB"
    job = run_import(dept_admin_a, csv_bytes(rows, header=HEADER), duplicate_policy="report")
    assert (job.inserted_count, job.invalid_rows) == (1, 2)
    reasons = {line[0]: line[3] for line in read_report(job)[1:]}
    assert "已在名录库中" in reasons["2"]
    assert "只能填写本部门" in reasons["4"]
    assert not ObjectSupervision.objects.filter(department=department_b).exists()
