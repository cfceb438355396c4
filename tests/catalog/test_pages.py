"""Page journeys: import with preview, bad files, exports, filters, proposals, forms, public pages."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.choices import MatterStatus, ProposalStatus
from catalog.models import Matter, MatterChangeProposal, MatterImport
from catalog.services import matter_set_check_points
from tests.catalog.conftest import HAINAN_JOINT
from tests.catalog.factories import MatterFactory


def upload(name, content, **extra):
    return {"file": SimpleUploadedFile(name, content), "default_ratio_percent": "5", **extra}


def test_import_through_the_page_previews_then_applies_once(
    client_for, office_admin, city_departments
):
    client = client_for(office_admin)
    # when the office uploads the joint list
    response = client.post(
        "/catalog/imports/",
        upload(HAINAN_JOINT.name, HAINAN_JOINT.read_bytes(), code_prefix="HNLH-"),
    )
    # then a preview is shown and nothing is written yet
    assert response.status_code == 302
    matter_import = MatterImport.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "新增 83 项，修改 0 项，停用 0 项，不变 0 项" in page
    assert "HNLH-1-2" in page
    assert Matter.objects.count() == 0
    # when it confirms
    client.post(f"/catalog/imports/{matter_import.pk}/apply/")
    assert Matter.objects.count() == 83
    # and a second confirmation is refused
    response = client.post(f"/catalog/imports/{matter_import.pk}/apply/", follow=True)
    assert "该文件已导入，不能重复导入" in response.content.decode()
    assert Matter.objects.count() == 83


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("list.csv", b"\xff\xfe\x00\xd8\x00\xdc\xff", "无法识别文件编码"),
        ("list.csv", "序号,检查对象\n1,企业\n".encode(), "缺少必填列：抽查事项"),
        ("list.csv", b"", "文件为空"),
        ("list.txt", b"hello", "不支持的文件格式"),
    ],
)
def test_bad_files_show_the_reason_in_the_page_and_write_nothing(
    client_for, office_admin, filename, content, message
):
    response = client_for(office_admin).post("/catalog/imports/", upload(filename, content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MatterImport.objects.count() == 0 and Matter.objects.count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("list.csv", b"\xff\xfe\x00\xd8\x00\xdc\xff", "无法识别文件编码"),
        ("list.csv", "序号,检查对象\n1,企业\n".encode("gbk"), "缺少必填列：抽查事项"),
        ("list.csv", b"", "文件为空"),
        ("list.txt", b"hello", "不支持的文件格式"),
    ],
)
def test_bad_files_are_refused_by_the_api(api_client_for, office_admin, filename, content, message):
    response = api_client_for(office_admin).post(
        "/api/v1/catalog/imports/preview/",
        {"file": SimpleUploadedFile(filename, content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert MatterImport.objects.count() == 0


def test_gbk_csv_imports(client_for, office_admin, city_departments):
    content = "序号,抽查事项,检查对象,事项类别,检查方式,检查主体\n1,明码标价检查,经营者,一般检查事项,现场检查,市场监管部门\n".encode(
        "gbk"
    )
    client = client_for(office_admin)
    response = client.post("/catalog/imports/", upload("gbk.csv", content, code_prefix="G-"))
    client.post(f"{response['Location']}apply/")
    matter = Matter.objects.get(code="G-1")
    assert matter.name == "明码标价检查"
    assert [d.code for d in matter.implementing_departments.all()] == ["SAMR"]


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_exports_neutralise_formulas(client_for, staff_a):
    MatterFactory(code="EVIL-1", name='=HYPERLINK("http://evil")', object_type="+cmd")
    client = client_for(staff_a)
    rows = _csv_rows(client.get("/catalog/?format=csv"))
    assert rows[0][0] == "事项编码"
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == "'+cmd"
    response = client.get("/catalog/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_formula_cells_in_an_imported_file_stay_text_and_export_safely(client_for, office_admin):
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", "抽查事项", "检查对象"])
    workbook.active.append(["1", "=1+1", "企业"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(office_admin)
    response = client.post("/catalog/imports/", upload("formula.xlsx", buffer.getvalue()))
    client.post(f"{response['Location']}apply/")
    assert Matter.objects.get().name == "=1+1"
    assert _csv_rows(client.get("/catalog/?format=csv"))[1][1] == "'=1+1"


def test_list_filters(client_for, staff_a, department_a, department_b):
    annual = MatterFactory(
        code="A-1", name="年度报告公示信息的检查", is_common=True, category="general"
    )
    annual.implementing_departments.set([department_a])
    special = MatterFactory(
        code="B-1", name="特种设备安全检查", category="key", ratio_cap_bp=None, list_year=2021
    )
    special.participating_departments.set([department_b])
    MatterFactory(
        code="C-1", name="已停用事项", status=MatterStatus.RETIRED, effective_until=date(2021, 1, 1)
    )
    client = client_for(staff_a)

    def codes(query):
        return [row[0] for row in _csv_rows(client.get(f"/catalog/?{query}&format=csv"))[1:]]

    assert codes("q=年度报告") == ["A-1"]
    assert codes("department=DEPB") == ["B-1"]
    assert codes("category=key") == ["B-1"]
    assert codes("is_common=true") == ["A-1"]
    assert codes("status=retired") == ["C-1"]
    assert codes("year=2021") == ["B-1"]
    page = client.get("/catalog/?q=特种").content.decode()
    assert "特种设备安全检查" in page and "年度报告公示" not in page


def test_list_api_filters_and_query_count(
    api_client_for, staff_a, department_a, django_assert_max_num_queries
):
    for index in range(12):
        MatterFactory(code=f"Q-{index:02d}").implementing_departments.set([department_a])
    client = api_client_for(staff_a)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/catalog/matters/?department=DEPA")
    assert response.json()["count"] == 12
    assert response.json()["results"][0]["implementing_departments"] == ["DEPA"]
    assert client.get("/api/v1/catalog/matters/?q=Q-03").json()["count"] == 1


def test_public_list_shows_only_the_current_list_without_login(
    client_for, matter, department_a, office_admin
):
    today = timezone.localdate()
    MatterFactory(
        code="OLD",
        name="已停用的事项",
        status=MatterStatus.RETIRED,
        effective_until=today - timedelta(days=1),
    )
    future = MatterFactory(
        code="FUT", name="明年施行的事项", effective_from=today + timedelta(days=30)
    )
    matter_set_check_points(
        matter=matter, set_by=office_admin, check_points=[{"text": "是否依法公示年度报告"}]
    )
    client = client_for(None)
    page = client.get("/catalog/public/").content.decode()
    assert matter.name in page
    assert "已停用的事项" not in page and "明年施行的事项" not in page
    assert "年度报告公示" in client.get("/catalog/public/?department=DEPA").content.decode()
    assert "年度报告公示" not in client.get("/catalog/public/?q=排污").content.decode()
    detail = client.get(f"/catalog/public/{matter.pk}/").content.decode()
    assert "是否依法公示年度报告" in detail
    assert client.get(f"/catalog/public/{future.pk}/").status_code == 404
    api = client.get("/api/v1/catalog/public/matters/").json()
    assert [item["code"] for item in api["results"]] == [matter.code]
    assert api["results"][0]["check_points"][0]["allowed_answers"] == ["符合", "不符合", "不涉及"]


def test_proposal_flow_through_the_pages(client_for, staff_a, office_admin, matter, department_a):
    # given staff of department A proposes a change
    staff = client_for(staff_a)
    form = {
        "name": matter.name,
        "object_type": "企业、个体工商户",
        "legal_basis": matter.legal_basis,
        "category": "general",
        "methods": ["on_site", "written"],
        "implementing_departments": [department_a.pk],
        "reason": "个体工商户也应纳入",
    }
    response = staff.post(f"/catalog/{matter.pk}/propose/", form)
    proposal = MatterChangeProposal.objects.get()
    assert response.status_code == 302
    assert proposal.payload == {"object_type": "企业、个体工商户"}
    # when the office rejects without a reason, nothing happens
    office = client_for(office_admin)
    response = office.post(
        f"/catalog/proposals/{proposal.pk}/reject/", {"decision_reason": ""}, follow=True
    )
    assert "请填写不予采纳的理由" in response.content.decode()
    # when the office accepts
    office.post(f"/catalog/proposals/{proposal.pk}/accept/", {"decision_reason": "同意"})
    proposal.refresh_from_db()
    matter.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert matter.object_type == "企业、个体工商户"
    # then the department sees the outcome and the matter shows its history
    assert "已采纳" in staff.get(f"/catalog/proposals/{proposal.pk}/").content.decode()
    detail = staff.get(f"/catalog/{matter.pk}/").content.decode()
    assert "企业、个体工商户" in detail and "个体工商户也应纳入" in detail


def test_retire_proposal_and_new_matter_proposal_pages(client_for, staff_a, matter):
    client = client_for(staff_a)
    client.post(f"/catalog/{matter.pk}/propose-retire/", {"reason": "法规废止"})
    client.post(
        "/catalog/proposals/new/", {"name": "电梯维保检查", "category": "key", "reason": "新规"}
    )
    kinds = sorted(MatterChangeProposal.objects.values_list("kind", flat=True))
    assert kinds == ["add", "retire"]
    assert "电梯维保检查" in client.get("/catalog/proposals/").content.decode()


def test_edit_and_check_point_pages(client_for, office_admin, matter, department_a):
    client = client_for(office_admin)
    form = {
        "name": "年度报告公示信息的检查（修订）",
        "category": "general",
        "ratio_cap_percent": "3",
        "implementing_level": "all",
        "list_year": "2026",
        "effective_from": "2020-01-01",
        "implementing_departments": [department_a.pk],
        "methods": ["written"],
        "scope_kinds": ["enterprise"],
        "scope_industry_prefixes": "F51、F52",
        "reason": "联席会议决定",
    }
    assert client.post(f"/catalog/{matter.pk}/edit/", form).status_code == 302
    matter.refresh_from_db()
    assert matter.ratio_cap_bp == 300
    assert matter.scope == {"industry_prefixes": ["F51", "F52"], "kinds": ["enterprise"]}
    points = {
        "points-TOTAL_FORMS": "3",
        "points-INITIAL_FORMS": "0",
        "points-0-text": "是否依法公示年度报告",
        "points-0-method": "written",
        "points-0-allowed_answers": "符合、不符合、不涉及",
        "points-1-text": "",
        "points-1-method": "on_site",
        "points-2-text": "公示信息是否真实",
        "points-2-method": "on_site",
        "points-2-allowed_answers": "是/否",
        "reason": "标准检查表",
    }
    assert client.post(f"/catalog/{matter.pk}/check-points/", points).status_code == 302
    assert [(p.position, p.text, p.allowed_answers) for p in matter.check_points.all()] == [
        (1, "是否依法公示年度报告", ["符合", "不符合", "不涉及"]),
        (2, "公示信息是否真实", ["是", "否"]),
    ]
    detail = client.get(f"/catalog/{matter.pk}/").content.decode()
    assert "联席会议决定" in detail and "标准检查表" in detail
    assert client.get(f"/catalog/{matter.pk}/check-points/").status_code == 200


def test_create_page_and_retire_page(client_for, office_admin, department_a):
    client = client_for(office_admin)
    form = {
        "code": "NEW-9",
        "name": "新增事项",
        "category": "general",
        "implementing_level": "all",
        "list_year": "2026",
        "effective_from": "2026-01-01",
    }
    response = client.post("/catalog/new/", form)
    matter = Matter.objects.get(code="NEW-9")
    assert response["Location"] == f"/catalog/{matter.pk}/"
    assert matter.ratio_cap_bp == 500
    client.post(f"/catalog/{matter.pk}/retire/", {"reason": "合并到其他事项"})
    matter.refresh_from_db()
    assert matter.status == MatterStatus.RETIRED
