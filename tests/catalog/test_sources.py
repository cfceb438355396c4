import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.sources import MatterRecord, read_matter_list

FIXTURES = Path(__file__).resolve().parents[2] / "catalog" / "fixtures"
HAINAN_2020 = FIXTURES / "hainan-2020-random-inspection-matters.xlsx"
HAINAN_JOINT = FIXTURES / "hainan-joint-inspection-matters-v2.xls"

CSV_TEXT = (
    "序号,抽查领域,抽查事项,检查对象,事项类别,检查方式,检查依据,发起部门,配合部门\n"
    "1,食品安全,食品生产监督检查,获证食品生产企业,重点检查事项,现场检查、书面检查;网络检查,"
    '"《食品安全法》第一百一十条\n《食品生产许可管理办法》",市场监管部门,"卫生健康部门，农业农村部门"\n'
    ",,  食品销售监督检查 ,食品销售者,一般检查事项,现场检查,《食品安全法》,市场监管部门,\n"
    "2,计量,=1+1,企业,一般,抽样检测,,市场监管部门,\n"
)


@pytest.fixture(scope="module")
def hainan_2020():
    return read_matter_list(HAINAN_2020)


@pytest.fixture(scope="module")
def hainan_joint():
    return read_matter_list(HAINAN_JOINT)


def by_row(sheet, row: int) -> MatterRecord:
    (record,) = [record for record in sheet.records if record.source_row == row]
    return record


def workbook_bytes(rows, merges=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for block in merges:
        sheet.merge_cells(block)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Hainan 2020 list (.xlsx) --------------------------------------------------------------


def test_hainan_2020_layout(hainan_2020):
    assert hainan_2020.errors == []
    assert hainan_2020.sheet_title == "海南省市场监管领域随机抽查事项清单（2020年版）"
    assert hainan_2020.columns == [
        "编制单位名称",
        "序号",
        "抽查项目/抽查类别",
        "抽查项目/抽查事项",
        "检查对象",
        "事项类别",
        "检查方式",
        "检查主体",
        "检查依据",
    ]
    assert hainan_2020.unrecognised_columns == []
    assert hainan_2020.column_fields["抽查项目/抽查事项"] == "name"
    assert hainan_2020.column_fields["抽查项目/抽查类别"] == "field"


def test_hainan_2020_matter_count(hainan_2020):
    # The sheet has 388 rows under its two header rows, but 82 of them are only covered by
    # merged blocks and 13 only add a legal basis or implementing subject to the matter above.
    # 293 matters remain: 285 matter-name cells, plus 8 rows under a merged name that give
    # the same matter for another object (school canteens) as a 重点 matter.
    records = hainan_2020.records
    assert len(records) == 293
    assert len({record.code for record in records}) == 293
    assert len({record.raw["序号"] for record in records}) == 122
    assert sum(record.is_key is True for record in records) == 30


def test_hainan_2020_every_record_is_complete(hainan_2020):
    for record in hainan_2020.records:
        assert record.name
        assert record.is_key is not None
        assert record.compiling_department
        assert record.field
        assert record.methods
        assert record.legal_basis


def test_hainan_2020_first_matter(hainan_2020):
    record = hainan_2020.records[0]
    assert record == MatterRecord(
        source_row=4,
        code="1-1",
        name="中小学教育装备产品（文体教育用品）检查",
        category_label="一般检查事项",
        is_key=False,
        compiling_department="省教育厅",
        field="中小学教育装备产品检查",
        object_type="中小学校",
        methods=("现场检查", "书面检查", "网络检查", "专业机构核查"),
        implementing_subject="县级以上教育行政部门和市场监管部门",
        legal_basis="《教育部关于新形势下进一步做好普通中小学装备工作的意见》"
        "（教基一〔2016〕3号）第四条第（四）项",
        raw=record.raw,
    )
    assert record.raw["编制单位名称"] == "省教育厅"


def test_hainan_2020_key_variant_shares_the_merged_name(hainan_2020):
    general, key = by_row(hainan_2020, 314), by_row(hainan_2020, 315)
    assert general.name == key.name == "食品经营许可情况的检查"
    assert (general.code, key.code) == ("106-1", "106-2")
    assert (general.is_key, key.is_key) == (False, True)
    assert key.category_label == "重点检查事项"
    assert key.object_type == "学校、托幼机构、养老机构等食堂"
    assert key.compiling_department == "省市场监管局"  # merged A228:A391
    assert key.field == "餐饮服务监督检查"
    assert key.legal_basis == "《食品安全法》第一百一十条\n《食品生产经营日常监督检查管理办法》"


def test_hainan_2020_continuation_rows_extend_the_matter_above(hainan_2020):
    school_uniforms = by_row(hainan_2020, 6)
    assert school_uniforms.legal_basis.split("\n") == [
        "《教育部工商总局质检总局国家标准委关于进一步加强中小学生校服管理工作的意见》"
        "（教基一〔2015〕3号）第七条",
        "《海南省教育厅海南省工商行政管理局海南省质量技术监督局关于加强我省中小学校服"
        "管理工作的意见》（琼教勤助〔2016〕12号）第五条",
    ]
    seeds = by_row(hainan_2020, 169)
    assert seeds.implementing_subject == "省农业农村厅种业管理处\n省种子总站"
    rows = {record.source_row for record in hainan_2020.records}
    assert rows.isdisjoint({7, 9, 12, 170, 174, 230, 236})


def test_hainan_2020_text_is_normalised(hainan_2020):
    assert by_row(hainan_2020, 68).field == "社会保险"  # padded with 20 newlines in the file
    assert by_row(hainan_2020, 192).object_type == "拍卖企业"  # "拍卖\n企业"
    assert by_row(hainan_2020, 17).legal_basis == "《旅馆业治安管理办法》第四条"  # trailing U+3000
    registration = by_row(hainan_2020, 229)
    assert "_x000D_" not in registration.legal_basis
    assert registration.legal_basis.startswith("《企业名称登记管理规定》第二十六条、二十七条\n")


def test_file_object_with_filename_reads_like_a_path(hainan_2020):
    from_stream = read_matter_list(
        io.BytesIO(HAINAN_2020.read_bytes()), filename="清单.XLSX", code_prefix="HN2020"
    )
    assert from_stream.records == hainan_2020.records


# --- Hainan joint list (.xls) ----------------------------------------------------------------


def test_hainan_joint_list(hainan_joint):
    assert hainan_joint.errors == []
    assert hainan_joint.sheet_title == "海南省市场监管领域部门联合抽查事项清单（第二版）"
    assert hainan_joint.columns == [
        "序号",
        "抽查领域",
        "抽查事项",
        "检查对象",
        "发起部门",
        "配合部门",
    ]
    records = hainan_joint.records
    assert len(records) == 83
    assert len({record.field for record in records}) == 36
    assert all(record.name and record.lead_department for record in records)
    assert all(record.is_key is None for record in records)  # the list has no 事项类别


def test_hainan_joint_departments(hainan_joint):
    fireworks = by_row(hainan_joint, 24)
    assert fireworks.code == "5-3"
    assert fireworks.name == "烟花爆竹生产经营企业运输、燃放情况的检查"
    assert fireworks.field == "烟花爆竹生产经营企业监管"
    assert fireworks.object_type == "烟花爆竹生产经营企业"
    assert fireworks.lead_department == "公安部门"
    assert fireworks.cooperating_departments == ("应急管理部门", "市场监管部门")

    security = by_row(hainan_joint, 38)  # departments merged over E35:E42 and F35:F42
    assert security.lead_department == "公安部门"
    assert security.cooperating_departments == ("市场监管领域相关部门",)

    scrapped_cars = by_row(hainan_joint, 70)
    assert scrapped_cars.lead_department == "商务部门、市场监管部门"
    assert scrapped_cars.cooperating_departments == (
        "发展改革部门",
        "公安部门",
        "生态环境部门",
        "交通运输部门",
        "工业和信息化部门",
    )
    assert by_row(hainan_joint, 31).cooperating_departments == ()


# --- CSV -------------------------------------------------------------------------------------


def test_gbk_and_utf8_bom_csv_read_identically():
    gbk = read_matter_list(io.BytesIO(CSV_TEXT.encode("gbk")), filename="list.csv")
    utf8 = read_matter_list(io.BytesIO(CSV_TEXT.encode("utf-8-sig")), filename="list.csv")
    assert gbk.errors == utf8.errors == []
    assert gbk.records == utf8.records
    assert gbk.columns == utf8.columns
    assert len(gbk.records) == 3

    first, second, third = gbk.records
    assert first.methods == ("现场检查", "书面检查", "网络检查")
    assert first.cooperating_departments == ("卫生健康部门", "农业农村部门")
    assert first.legal_basis == "《食品安全法》第一百一十条\n《食品生产许可管理办法》"
    assert first.is_key is True
    assert second.name == "食品销售监督检查"
    assert second.source_row == 3
    assert [record.code for record in gbk.records] == ["1-1", "1-2", "2-1"]
    assert third.is_key is False


def test_formula_looking_cells_stay_text(tmp_path):
    sheet = read_matter_list(io.BytesIO(CSV_TEXT.encode()), filename="list.csv")
    assert sheet.records[2].name == "=1+1"
    assert sheet.records[2].raw["抽查事项"] == "=1+1"

    data = workbook_bytes([["抽查事项", "检查方式"], ["=1+1", "=SUM(A1:A2)"]])
    path = tmp_path / "formula.xlsx"
    path.write_bytes(data)
    (record,) = read_matter_list(path).records
    assert (record.name, record.methods) == ("=1+1", ("=SUM(A1:A2)",))


def test_undecodable_csv_is_bad_encoding():
    sheet = read_matter_list(io.BytesIO(b"\xff\xff,\x80\n"), filename="list.csv")
    assert [error.message_code for error in sheet.errors] == ["bad_encoding"]
    assert sheet.records == []


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["empty.csv", "empty.xlsx", "empty.xls"])
def test_empty_file(filename):
    sheet = read_matter_list(io.BytesIO(b""), filename=filename)
    assert [error.message_code for error in sheet.errors] == ["empty_file"]
    assert sheet.errors[0].message == "文件为空"
    assert sheet.records == []


def test_bom_only_csv_and_blank_workbook_are_empty():
    assert read_matter_list(io.BytesIO(b"\xef\xbb\xbf\r\n"), filename="a.csv").errors[
        0
    ].message_code == ("empty_file")
    blank = read_matter_list(io.BytesIO(workbook_bytes([])), filename="a.xlsx")
    assert [error.message_code for error in blank.errors] == ["empty_file"]


def test_missing_name_column():
    text = "序号,检查对象,检查方式\n1,企业,现场检查\n"
    sheet = read_matter_list(io.BytesIO(text.encode()), filename="list.csv")
    assert sheet.records == []
    (error,) = sheet.errors
    assert (error.message_code, error.message) == ("missing_column", "缺少必填列：抽查事项")
    assert sheet.columns == ["序号", "检查对象", "检查方式"]


@pytest.mark.parametrize("filename", ["list.txt", None, "list"])
def test_unsupported_format(filename):
    sheet = read_matter_list(io.BytesIO(b"anything"), filename=filename)
    assert [error.message_code for error in sheet.errors] == ["unsupported_format"]
    assert sheet.records == []


def test_header_not_found():
    sheet = read_matter_list(io.BytesIO("名称,说明\n甲,乙\n".encode()), filename="list.csv")
    assert [error.message_code for error in sheet.errors] == ["missing_header"]


def test_damaged_workbook_is_reported_not_raised():
    sheet = read_matter_list(io.BytesIO(b"PK\x03\x04 not really a zip"), filename="list.xlsx")
    assert [error.message_code for error in sheet.errors] == ["unreadable_file"]


def test_xlsx_saved_with_xls_extension_is_read_by_content():
    data = workbook_bytes([["抽查事项", "检查对象"], ["价格行为检查", "经营者"]])
    (record,) = read_matter_list(io.BytesIO(data), filename="list.xls").records
    assert record.name == "价格行为检查"


def test_rows_without_a_name_are_reported_and_skipped():
    text = "抽查事项,检查对象\n广告行为检查,企业\n,个体工商户\n商标使用行为的检查,企业\n"
    sheet = read_matter_list(io.BytesIO(text.encode()), filename="list.csv", code_prefix="T")
    assert [record.name for record in sheet.records] == ["广告行为检查", "商标使用行为的检查"]
    assert [record.code for record in sheet.records] == ["T-0001", "T-0002"]
    (error,) = sheet.errors
    assert (error.row, error.column, error.message_code) == (3, "抽查事项", "empty_name")


def test_own_code_column_wins_over_sequence():
    text = "序号,事项编码,抽查事项\n1,SC-01,甲\n1,SC-02,乙\n"
    sheet = read_matter_list(io.BytesIO(text.encode()), filename="list.csv")
    assert [record.code for record in sheet.records] == ["SC-01", "SC-02"]


def test_printed_layout_in_xlsx():
    """Title row, two-row header, merged department, continuation, repeated header, note."""
    rows = [
        ["某市随机抽查事项清单", None, None, None, None],
        [None, None, None, None, None],
        ["部门", "抽查项目", None, "检查依据", "备注"],
        [None, "抽查类别", "抽查事项", None, None],
        ["市场监管局", "价格", "明码标价检查", "《价格法》", "首批"],
        [None, None, None, "《明码标价和禁止价格欺诈规定》", None],
        [None, None, None, None, None],
        [None, "抽查项目", None, "检查依据", "备注"],
        [None, "抽查类别", "抽查事项", None, None],
        [None, "广告", "广告发布登记检查", "《广告法》", None],
        ["注：本清单动态调整。", None, None, None, None],
    ]
    merges = ["A1:E1", "B3:C3", "A3:A4", "D3:D4", "E3:E4", "A5:A10", "B8:C8", "A11:E11"]
    sheet = read_matter_list(io.BytesIO(workbook_bytes(rows, merges)), filename="x.xlsx")
    assert sheet.errors == []
    assert sheet.sheet_title == "某市随机抽查事项清单"
    assert sheet.columns == ["部门", "抽查项目/抽查类别", "抽查项目/抽查事项", "检查依据"]
    assert sheet.unrecognised_columns == ["备注"]
    first, second = sheet.records
    assert (first.source_row, first.name, first.field) == (5, "明码标价检查", "价格")
    assert first.legal_basis == "《价格法》\n《明码标价和禁止价格欺诈规定》"
    assert (second.source_row, second.name, second.compiling_department) == (
        10,
        "广告发布登记检查",
        "市场监管局",
    )
    assert [record.code for record in sheet.records] == ["M-0001", "M-0002"]
    assert second.raw == {
        "部门": "市场监管局",
        "抽查项目/抽查类别": "广告",
        "抽查项目/抽查事项": "广告发布登记检查",
        "检查依据": "《广告法》",
        "备注": None,
    }


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda text: text.encode("utf-8")),
        st.binary(max_size=300).map(lambda tail: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + tail),
        st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail),
    ),
    st.sampled_from(["a.csv", "a.xlsx", "a.xls"]),
)
def test_any_bytes_give_a_sheet_never_an_exception(data, filename):
    sheet = read_matter_list(io.BytesIO(data), filename=filename)
    assert sheet.records or sheet.errors
    assert all(record.name for record in sheet.records)


@given(
    st.lists(
        st.lists(
            st.text(alphabet="抽查事项检查对象序号、，;\n =1+ab", max_size=8),
            min_size=3,
            max_size=3,
        ),
        max_size=6,
    )
)
def test_random_csv_tables_parse_without_raising(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["序号", "抽查事项", "检查对象"], *rows])
    sheet = read_matter_list(io.BytesIO(buffer.getvalue().encode("gb18030")), filename="a.csv")
    assert len({record.code for record in sheet.records}) == len(sheet.records)
    for record in sheet.records:
        assert record.name and record.name == record.name.strip()
