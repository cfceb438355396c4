"""The matter list's download has its API: the same file for the same filters."""

import io

import openpyxl

from tests.catalog.factories import MatterFactory
from tests.page_apis import body


def test_matter_export_api_is_the_page_export(client_for, api_client_for, staff_a, db):
    MatterFactory(code="F-1", name="=HYPERLINK(1) 特种设备")
    MatterFactory(code="F-2", name="排污许可")
    page = body(client_for(staff_a).get("/catalog/?format=csv&q=特种"))
    api = api_client_for(staff_a).get("/api/v1/catalog/matters/export/csv/?q=特种")
    assert api.status_code == 200
    assert body(api) == page
    text = page.decode("utf-8-sig")
    assert "'=HYPERLINK(1) 特种设备" in text and "排污许可" not in text


def test_matter_export_api_xlsx(api_client_for, staff_a, db):
    MatterFactory(code="F-1", name="+1 事项")
    response = api_client_for(staff_a).get("/api/v1/catalog/matters/export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    assert sheet.title == "抽查事项清单"
    assert list(sheet.iter_rows(values_only=True))[1][1] == "'+1 事项"
