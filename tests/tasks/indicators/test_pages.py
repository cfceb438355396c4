"""The indicator pages as each role sees them, the XLSX, the other inspections and the PDF."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.audit import AuditEvent
from plans.models import IndicatorTarget, OtherInspection
from tasks.indicators import live
from tests.tasks.indicators.builders import build_year


@pytest.fixture
def year(db, office_admin, department_a, department_b):
    return build_year(
        office_admin=office_admin, department_a=department_a, department_b=department_b
    )


def test_office_dashboard_shows_every_indicator_and_the_league(year, client_for, office_admin):
    response = client_for(office_admin).get(reverse("indicators:year", args=[2025]))
    assert response.status_code == 200
    html = response.content.decode()
    for definition in live.DEFINITIONS:
        assert f'data-testid="indicator-{definition.key}"' in html
    assert "<svg" in html and 'aria-describedby="trend-joint_share"' in html
    assert 'id="trend-joint_share"' in html  # the chart's numbers as a table
    league = response.context["league"]
    assert [row.department.code for row in league] == ["DEPB", "DEPA"] or len(league) == 2
    rows = {row.department.code: row for row in league}
    assert rows["DEPA"].draws.voided == 1 and rows["DEPA"].draws.announced == 4
    assert rows["DEPA"].overdue.results == 1  # r3 never entered


def test_department_sees_only_its_own_view(
    year, client_for, dept_admin_a, department_a, department_b
):
    client = client_for(dept_admin_a)
    own = client.get(reverse("indicators:department", args=[2025, department_a.pk]))
    assert own.status_code == 200
    assert (
        client.get(reverse("indicators:department", args=[2025, department_b.pk])).status_code
        == 404
    )
    assert client.get(reverse("indicators:year", args=[2025])).status_code == 404
    detail = reverse("indicators:detail", args=[2025, "joint_share"])
    assert client.get(detail).status_code == 404  # the city
    assert client.get(f"{detail}?department={department_b.pk}").status_code == 404
    response = client.get(f"{detail}?department={department_a.pk}")
    assert response.status_code == 200 and response.context["indicator"].numerator == 3
    home = client.get(reverse("indicators:home"))
    assert home.status_code == 302 and f"/departments/{department_a.pk}/" in home["Location"]


def test_drill_down_lists_the_records_and_exports_them(year, client_for, office_admin):
    client = client_for(office_admin)
    url = reverse("indicators:detail", args=[2025, "results_on_time"])
    response = client.get(url + "?failing=1")
    assert response.status_code == 200
    assert {unit.ref_id for unit, _url in response.context["units"]} == {
        year.results["r2"].pk,
        year.results["r3"].pk,
    }
    xlsx = client.get(url + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row == 4  # header and three results


def test_export_of_every_table(year, client_for, office_admin):
    response = client_for(office_admin).get(reverse("indicators:export", args=[2025]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["指标", "月度趋势", "部门排名", "部门指标"]
    rows = list(workbook["指标"].iter_rows(values_only=True))
    joint = next(row for row in rows if row[1] == "部门联合抽查占比")
    assert joint[3] == 60 and (joint[4], joint[5]) == (3, 5)


def test_targets_are_set_by_the_office_with_an_audit_event(
    year, client_for, office_admin, dept_admin_a
):
    url = reverse("indicators:targets", args=[2025])
    assert client_for(dept_admin_a).get(url).status_code == 404
    data = {definition.key: definition.target_bp / 100 for definition in live.DEFINITIONS}
    data["joint_share"] = "45"
    response = client_for(office_admin).post(url, data)
    assert response.status_code == 302
    assert IndicatorTarget.objects.get(year=2025, key="joint_share").target_bp == 4500
    assert IndicatorTarget.objects.count() == 1
    assert AuditEvent.objects.filter(action="indicator.target_set").count() == 1


def test_other_inspections_recorded_and_imported_into_the_denominator(
    year, client_for, staff_a, department_a
):
    client = client_for(staff_a)
    url = reverse("indicators:other_inspections", args=[2025])
    response = client.post(url, {
        "action": "record", "kind": "special", "inspected_on": "2025-03-01",
        "object_name": "专项检查对象", "object_code": "", "reference": "ZX-1",
    })  # fmt: skip
    assert response.status_code == 302
    csv = "检查日期,对象名称,对象代码,检查类型,文书编号\n2025-04-01,甲,,投诉举报核查,TS-1\n2025-04-02,乙,,专项检查,ZX-1\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url, {"action": "import", "file": SimpleUploadedFile("x.csv", csv.encode())}
    )
    assert response.status_code == 302
    assert (
        OtherInspection.objects.filter(department=department_a, inspected_on__year=2025).count()
        == 4
    )
    scope = live.Scope(2025, department_a.pk, today=date(2026, 6, 1))
    assert live.compute(live.RANDOM_SHARE, scope).denominator == 4 + 4

    bad = "检查日期,对象名称,检查类型\n2025-13-01,甲,投诉举报核查\n,乙,未知\n"
    response = client.post(
        url, {"action": "import", "file": SimpleUploadedFile("x.csv", bad.encode())}, follow=True
    )
    text = response.content.decode()
    assert "第 2 行" in text and "第 3 行" in text
    assert OtherInspection.objects.filter(department=department_a).count() == 4
