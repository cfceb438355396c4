"""Exports of the filtered object list: CSV with BOM and XLSX, formula-safe, through the page and the API."""

import csv
import io

import pytest
from openpyxl import load_workbook

from registries.models import InspectionObject
from registries.objects.exports import export_rows
from tests.registries.object_factories import make_object

pytestmark = pytest.mark.django_db


@pytest.fixture
def dangerous(department_a):
    return make_object(
        departments=[department_a],
        name="=cmd|' /C calc'!A0",
        legal_representative="+SUM(1,2)",
        address="@evil",
        licence_types=["食品经营许可证", "特种设备使用登记"],
    )


def _content(response) -> bytes:
    if response.streaming:
        return b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode()
            for chunk in response.streaming_content
        )
    return response.content


def test_rows_are_formula_safe_and_labelled(dangerous):
    header, row = list(export_rows(InspectionObject.objects.all()))
    assert header[0] == "统一社会信用代码/对象编码"
    cells = dict(zip(header, row, strict=True))
    assert cells["名称"] == "'=cmd|' /C calc'!A0"
    assert cells["法定代表人/负责人"] == "'+SUM(1,2)"
    assert cells["住所（经营场所）"] == "'@evil"
    assert cells["对象类型"] == "企业"
    assert cells["许可类别"] == "食品经营许可证、特种设备使用登记"
    assert cells["监管部门"] == "DEPA"


def test_csv_export_from_the_page_has_a_bom(client_for, staff_a, dangerous):
    make_object(name="别的部门的对象")  # not supervised by department A: not exported
    response = client_for(staff_a).get("/registries/objects/", {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = _content(response)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


def test_xlsx_export_opens_with_openpyxl(client_for, office_admin, dangerous):
    make_object(name="临江市其他食品有限公司")
    response = client_for(office_admin).get(
        "/registries/objects/", {"export": "xlsx", "name": "cmd"}
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(_content(response)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "'=cmd|' /C calc'!A0"
    assert rows[1][3] == "'+SUM(1,2)"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_api_export_applies_filters(api_client_for, office_admin, dangerous, export_format):
    make_object(name="临江市其他食品有限公司")
    response = api_client_for(office_admin).get(
        f"/api/v1/registries/objects/export/{export_format}/", {"name": "其他"}
    )
    assert response.status_code == 200
    body = _content(response)
    if export_format == "csv":
        assert body.decode("utf-8-sig").count("\n") == 2
        assert "其他食品" in body.decode("utf-8-sig")
    else:
        rows = list(
            load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True)
        )
        assert [row[1] for row in rows[1:]] == ["临江市其他食品有限公司"]


def test_api_export_rejects_bad_filters_and_formats(api_client_for, office_admin):
    client = api_client_for(office_admin)
    assert client.get("/api/v1/registries/objects/export/pdf/").status_code == 404
    assert (
        client.get("/api/v1/registries/objects/export/csv/", {"risk_class": "Z"}).status_code == 400
    )
