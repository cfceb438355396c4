"""The plan pages' downloads have their API: the same file for the same filters."""

import csv
import io

from plans.models import PeakSeason
from tests.page_apis import body


def test_item_export_api_is_the_page_export(
    client_for, api_client_for, plan_year, liaison_a, department_a, general_matter, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter], title="=危险公式")
    make_item(plan_year, department_a, liaison_a, [general_matter], title="乙事项")
    page = body(client_for(liaison_a).get("/plans/2027/?format=csv&q=危险"))
    api = api_client_for(liaison_a).get("/api/v1/plans/years/2027/items/export/csv/?q=危险")
    assert api.status_code == 200
    assert api["Content-Disposition"] == 'attachment; filename="plan-items-2027.csv"'
    assert body(api) == page
    rows = list(csv.reader(io.StringIO(page.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["'=危险公式"]


def test_item_export_api_refuses_unknown_formats(api_client_for, plan_year, liaison_a):
    response = api_client_for(liaison_a).get("/api/v1/plans/years/2027/items/export/pdf/")
    assert response.status_code == 404


def test_peak_season_export_api_is_the_page_export(client_for, api_client_for, staff_a, db):
    PeakSeason.objects.create(industry_prefix="A01", months=[9, 10], note="=秋收")
    page = body(client_for(staff_a).get("/plans/peak-seasons/?format=csv"))
    api = api_client_for(staff_a).get("/api/v1/plans/peak-seasons/export/csv/")
    assert body(api) == page
    assert "'=秋收" in page.decode("utf-8-sig")
    assert api_client_for(staff_a).get("/api/v1/plans/peak-seasons/export/xlsx/").status_code == 404
