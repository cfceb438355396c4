"""The public site on a phone: a citizen goes from the home page to a search, an enterprise's
result, the draw that chose it and its verification in the browser; an inspected business files
an objection and later sees the published correction. axe-core (vendored from its npm package,
served by the site) checks every public page on the way: no serious or critical violation."""

import json

import pytest

from publication.site.services import drawn_list_publish

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
AXE = "/static/vendor/axe-core/axe.min.js"


def axe_violations(page, live_server) -> list[str]:
    page.add_script_tag(url=live_server.url + AXE)
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    return [f"{page.url} {item}" for item in found]


@pytest.fixture
def public_world():
    from tests.tasks.inspections.builders import build_world

    world = build_world()
    draw = world.started.task.draws.get(number=1)
    drawn_list_publish(draw=draw, published_by=world.users["staff_a"])
    return world


def _phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_citizen_on_a_phone_from_search_to_a_verified_draw(
    browser, live_server, public_world, artifacts, tmp_path
):
    world = public_world
    obj = world.published.inspection_object
    task = world.started.task
    context, page = _phone(browser)
    violations: list[str] = []

    def look(name: str) -> None:
        violations.extend(axe_violations(page, live_server))
        page.screenshot(path=str(artifacts / f"public-{name}-390.png"), full_page=True)

    # the home page, then a search by part of the name
    page.goto(live_server.url + "/")
    look("home")
    page.get_by_label("查询企业的抽查检查结果").fill(obj.name[2:6])
    page.get_by_role("button", name="查询").first.click()
    results = page.get_by_test_id("search-results")
    assert obj.code in results.inner_text()
    look("search")
    # the enterprise's page and its published result
    results.get_by_role("link", name=obj.name).click()
    assert page.get_by_test_id("enterprise-name").inner_text() == obj.name
    assert "未发现问题" in page.get_by_test_id("result-text").first.inner_text()
    look("enterprise")
    # the draw that chose it: its record, and the bundle downloaded from the public page
    page.get_by_role("link", name="抽中该企业的随机抽取及核验").first.click()
    assert task.code in page.content()
    look("task-draw")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载抽取数据包").first.click()
    bundle = tmp_path / "bundle.json"
    download.value.save_as(bundle)
    assert obj.code in json.loads(bundle.read_text())["result"]["objects"]
    # how to verify, then the verification in the browser
    page.goto(live_server.url + "/public/verify/")
    look("how-to-verify")
    page.get_by_role("link", name="核验页面").click()
    page.get_by_label("上传数据包（JSON 文件）").set_input_files(str(bundle))
    page.get_by_test_id("verify-submit").click()
    assert page.get_by_test_id("verify-result").inner_text().startswith("有效 — 数据包有效")
    look("verified")
    # every other public page
    for name, path in [
        ("tasks", "/public/tasks/"),
        ("task", f"/public/tasks/{task.code}/"),
        ("results", "/public/results/"),
        ("result", f"/public/results/{world.published.result.pk}/"),
        ("objection-form", f"/public/results/{world.published.result.pk}/objection/"),
        ("open-data", "/public/open-data/"),
        ("search-empty", "/public/search/"),
        ("audit", "/verify-audit/"),
        ("plans", "/plans/public/"),
        ("matters", "/catalog/public/"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        look(name)
    context.close()
    # the same pages at desktop width
    desktop = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    wide = desktop.new_page()
    for name, path in [
        ("home", "/"),
        ("enterprise", f"/public/enterprises/{obj.code}/"),
        ("task", f"/public/tasks/{task.code}/"),
        ("results", "/public/results/"),
    ]:
        wide.goto(live_server.url + path)
        violations.extend(axe_violations(wide, live_server))
        wide.screenshot(path=str(artifacts / f"public-{name}-1366.png"), full_page=True)
    desktop.close()
    assert violations == []


def test_business_objects_and_sees_the_published_correction(
    browser, live_server, public_world, artifacts, password
):
    from publication.site.models import Objection
    from tasks.inspections.choices import ResultCategory
    from tasks.inspections.services.results import (
        result_approve,
        result_compile,
        result_publish,
        result_submit,
    )

    world = public_world
    result = world.published.result
    obj = world.published.inspection_object
    context, page = _phone(browser)
    # the business files an objection from its result
    page.goto(live_server.url + f"/public/enterprises/{obj.code}/")
    page.get_by_role("link", name="被检查企业对结果有异议？").first.click()
    page.get_by_label("本企业统一社会信用代码").fill(obj.code)
    page.get_by_label("联系人").fill("王经理")
    page.get_by_label("联系电话").fill("13800000000")
    page.get_by_label("异议理由").fill("检查当日记录的备注与本企业实际情况不符，请核实更正。")
    page.get_by_role("button", name="提交异议").click()
    assert page.get_by_test_id("objection-state").inner_text() == "已受理，待部门处理"
    status_url = page.url
    assert axe_violations(page, live_server) == []
    # the lead department sees it on its publication desk and upholds it
    objection = Objection.objects.get()
    staff_a, leader = world.users["staff_a"], world.users["leader"]
    desk = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    staff = desk.new_page()
    staff.goto(live_server.url + "/login/")
    staff.get_by_label("用户名").fill("staff_a")
    staff.get_by_label("密码").fill(password)
    staff.get_by_role("button", name="登录").click()
    staff.goto(live_server.url + "/publication/")
    staff.get_by_test_id("objections").get_by_role("link", name=objection.reference).click()
    staff.screenshot(path=str(artifacts / "publication-objection-1366.png"), full_page=True)
    staff.get_by_label("异议成立，更正检查结果").check()
    staff.get_by_label("处理意见").fill("经核实，备注有误，予以更正。")
    staff.get_by_test_id("decide-objection").click()
    assert staff.get_by_test_id("objection-state").inner_text() == "异议成立，结果更正中"
    staff.set_viewport_size(PHONE)
    staff.goto(live_server.url + "/publication/")
    staff.screenshot(path=str(artifacts / "publication-desk-390.png"), full_page=True)
    desk.close()
    # and publishes the corrected result after its review
    result.refresh_from_db()
    result = result_compile(
        result=result, compiled_by=leader, categories=[ResultCategory.NO_PROBLEM],
        completed_on=result.completed_on, remarks="经核实，企业已按规定公示信息",
    )  # fmt: skip
    result = result_submit(result=result, submitted_by=leader)
    result = result_approve(result=result, approved_by=staff_a)
    result_publish(result=result, published_by=staff_a)
    # the business sees the outcome and the correction, the original kept in the history
    page.goto(status_url)
    assert page.get_by_test_id("objection-state").inner_text() == "已公示更正结果"
    page.get_by_role("link", name="查看公示的检查结果").click()
    assert page.get_by_test_id("result-corrected").is_visible()
    assert "经核实，企业已按规定公示信息" in page.content()
    page.get_by_test_id("result-history").locator("summary").click()
    assert "第 1 版" in page.get_by_test_id("result-history").inner_text()
    assert axe_violations(page, live_server) == []
    page.screenshot(path=str(artifacts / "public-correction-390.png"), full_page=True)
    context.close()
