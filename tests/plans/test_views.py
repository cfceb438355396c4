"""Pages: drafting through the form, the live estimate, exports, the public site."""

import io

import openpyxl

from plans import services
from plans.models import PeakSeason, PlanItem
from tests.plans.conftest import item_kwargs

FORM = {
    "title": "食品生产企业抽查",
    "industry_prefixes": "C13",
    "directed": "on",
    "ratio_A": "1",
    "ratio_B": "3",
    "ratio_C": "5",
    "ratio_D": "5",
    "window_start_month": "8",
    "window_end_month": "9",
    "notes": "",
}


def test_liaison_drafts_an_item_through_the_form(
    client_for, plan_year, liaison_a, general_matter, department_b
):
    response = client_for(liaison_a).post(
        "/plans/2027/items/new/",
        FORM | {"matters": [general_matter.pk], "participating_departments": [department_b.pk]},
    )
    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert (item.department.code, item.scope, item.ratios) == (
        "DEPA",
        {"industry_prefixes": ["C13"]},
        {"A": 100, "B": 300, "C": 500, "D": 500},
    )
    assert list(item.participating_departments.all()) == [department_b]


def test_form_shows_the_cap_error_on_the_page(client_for, plan_year, liaison_a, general_matter):
    response = client_for(liaison_a).post(
        "/plans/2027/items/new/", FORM | {"matters": [general_matter.pk], "ratio_D": "30"}
    )
    assert response.status_code == 200
    assert "超过一般事项的比例上限" in response.content.decode()
    assert not PlanItem.objects.exists()


def test_live_estimate_counts_scope_draws_and_warns_about_peak_season(
    client_for, plan_year, liaison_a, general_matter, objects
):
    PeakSeason.objects.create(industry_prefix="C13", months=[9, 10], note="秋收")
    response = client_for(liaison_a).post(
        "/plans/2027/items/estimate/",
        FORM | {"matters": [general_matter.pk], "ratio_D": "30"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-testid="in-scope">20<' in html
    assert 'data-testid="must">1<' in html
    assert "生产经营旺季" in html and "秋收" in html
    assert "超过事项比例上限" in html  # D 30 % over the 5 % cap


def test_item_list_exports_csv_and_xlsx(
    client_for, plan_year, liaison_a, department_a, general_matter, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter], title="=危险公式")
    client = client_for(liaison_a)
    csv_text = b"".join(client.get("/plans/2027/?format=csv").streaming_content).decode()
    assert csv_text.startswith("\ufeff") and "'=危险公式" in csv_text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/plans/2027/?format=xlsx").content))
    assert list(workbook.active.iter_rows(values_only=True))[1][2] == "'=危险公式"


def test_item_list_filters(
    client_for, plan_year, liaison_a, department_a, general_matter, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter], title="甲事项")
    make_item(plan_year, department_a, liaison_a, [general_matter], title="乙事项")
    html = client_for(liaison_a).get("/plans/2027/?q=乙").content.decode()
    assert "乙事项" in html and "甲事项" not in html


def test_departments_see_only_their_own_drafts(
    client_for, plan_year, liaison_a, staff_b, department_a, general_matter, make_item
):
    make_item(plan_year, department_a, liaison_a, [general_matter], title="甲部门草稿")
    assert "甲部门草稿" not in client_for(staff_b).get("/plans/2027/").content.decode()


def test_late_submission_is_shown_as_such(
    client_for, plan_year, liaison_a, office_admin, department_a, general_matter, make_item
):
    import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    make_item(plan_year, department_a, liaison_a, [general_matter])
    with time_machine.travel(
        datetime.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        client_for(liaison_a).post("/plans/2027/submit/")
    assert "逾期提交" in client_for(office_admin).get("/plans/2027/").content.decode()


def test_public_pages_show_only_published_versions(
    client_for, published_plan, office_admin, department_a, general_matter
):
    anonymous = client_for(None)
    # given an adjustment approved but not yet published
    services.plan_adjust_start(plan_year=published_plan, reason="新增专项", by=office_admin)
    services.plan_item_create(
        plan_year=published_plan,
        department=department_a,
        created_by=office_admin,
        **item_kwargs([general_matter], title="调整新增的专项"),
    )
    services.plan_submit_for_approval(plan_year=published_plan, submitted_by=office_admin)
    services.plan_approve(plan_year=published_plan, approved_by=office_admin)
    html = anonymous.get("/plans/public/2027/").content.decode()
    assert "调整新增的专项" not in html and "v1" in html
    assert anonymous.get("/plans/public/2027/v2/").status_code == 404
    # when published
    services.plan_publish(plan_year=published_plan, published_by=office_admin)
    html = anonymous.get("/plans/public/2027/").content.decode()
    # then v2 is current, v1 is in the history
    assert "调整新增的专项" in html and "新增专项" in html
    assert "/plans/public/2027/v1/" in html
    assert "调整新增的专项" not in anonymous.get("/plans/public/2027/v1/").content.decode()


def test_unpublished_years_are_not_public(client_for, plan_year):
    assert client_for(None).get("/plans/public/2027/").status_code == 404
    assert "2027" not in client_for(None).get("/plans/public/").content.decode()
