"""A department liaison drafts and submits a plan item; the office compiles, approves and
publishes; the journey ends on the public plan page, and the PDF is saved and rasterised."""

import subprocess

import pytest

# The plan fixtures live in tests/plans/conftest.py; importing them registers them here.
from tests.plans.conftest import general_matter, objects, plan_year  # noqa: F401

pytestmark = pytest.mark.e2e


def _login(page, live_server, username, password):
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()


def _logout(page):
    page.get_by_role("button", name="退出").click()


@pytest.mark.usefixtures("plan_year", "general_matter", "objects")
def test_liaison_submits_and_office_approves_and_publishes(
    page, live_server, password, artifacts, liaison_a, office_admin
):
    from catalog.models import Matter

    matter = Matter.objects.get(code="G001")
    page.on("dialog", lambda dialog: dialog.accept())
    # given the liaison drafts an item; the live estimate counts the scope
    _login(page, live_server, "liaison_a", password)
    page.goto(live_server.url + "/plans/2027/")
    # (the empty item list offers the same link below; the header's is the one to use)
    page.locator(".page-header").get_by_role("link", name="新增计划事项").click()
    page.get_by_label("任务名称").fill("食品生产企业联合抽查")
    page.select_option("#id_matters", str(matter.pk))
    page.get_by_label("定向抽查").check()
    page.get_by_label("行业代码前缀").fill("C13")
    for risk_class, value in zip("ABCD", ["1", "3", "5", "5"], strict=True):
        page.locator(f"#id_ratio_{risk_class}").fill(value)
    page.select_option("#id_window_start_month", "4")
    page.select_option("#id_window_end_month", "6")
    page.get_by_label("行业代码前缀").dispatch_event("change")
    page.get_by_test_id("in-scope").wait_for()
    assert page.get_by_test_id("in-scope").inner_text() == "20"
    page.screenshot(path=str(artifacts / "plan-item-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存计划事项").wait_for()
    # when the liaison submits
    page.goto(live_server.url + "/plans/2027/")
    page.get_by_role("button", name="报送本部门计划").click()
    page.get_by_text("本部门计划事项已锁定").wait_for()
    _logout(page)
    # and the office compiles, sends to approval, approves and publishes
    _login(page, live_server, "office_admin", password)
    page.goto(live_server.url + "/plans/2027/compilation/")
    page.get_by_role("button", name="开始汇编").click()
    page.get_by_test_id("indicators").wait_for()
    page.get_by_role("button", name="提交审批").click()
    page.get_by_test_id("approval-panel").wait_for()
    page.get_by_label("意见").fill("经联席会议审议，同意。")
    page.get_by_role("button", name="批准").click()
    page.get_by_text("计划已批准").wait_for()
    page.get_by_role("button", name="公布计划").click()
    # then the journey ends on the public plan page
    page.get_by_test_id("public-plan-title").wait_for()
    assert "/plans/public/2027/" in page.url
    assert "食品生产企业联合抽查" in page.content()
    assert "经联席会议审议，同意。" in page.content()
    page.screenshot(path=str(artifacts / "plan-public-page.png"), full_page=True)
    pdf_url = page.get_by_test_id("download-pdf").get_attribute("href")
    response = page.request.get(live_server.url + pdf_url)
    assert response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts / "plan-2027-v1.pdf"
    pdf_path.write_bytes(response.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(artifacts / "plan-2027-v1-page1"),
        ],
        check=True,
    )
    assert (artifacts / "plan-2027-v1-page1.png").stat().st_size > 10_000
