"""A joint task in the browser: created by the lead department, approved by the office (ad hoc),
reviewed by two participating departments, drawn, and its bundle verified on the public page."""

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from tasks.models import Task
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.tasks.factories import default_dates, make_inspectors, make_matter, make_objects

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_joint_task_from_creation_to_verified_bundle(
    page,
    live_server,
    staff_a,
    staff_b,
    office_admin,
    department_a,
    department_b,
    password,
    artifacts,
    tmp_path,
):
    # given: a third department, registries and a matter
    department_c = DepartmentFactory(
        code="DEPC", name="丙部门（卫生健康委）", short_name="卫生健康委"
    )
    UserFactory(username="staff_c", department=department_c, roles=[Role.STAFF])
    make_objects(60)
    make_inspectors(department_a, 4)
    make_inspectors(department_b, 3)
    make_inspectors(department_c, 3)
    matter = make_matter(name="食品经营许可事项检查")
    start, end = default_dates()

    # when: the lead department creates an ad-hoc joint task, in words: no code is typed
    _login(page, live_server, "staff_a", password)
    page.goto(live_server.url + "/tasks/new/")
    page.get_by_label("任务名称").fill("食品安全联合抽查（演练）")
    page.get_by_label("临时任务事由").fill("节前食品安全专项整治")
    page.get_by_label("查找事项（编码、名称或部门）").fill("食品经营")
    page.get_by_role("checkbox", name=matter.name).check()
    assert "已选 1 项" in page.get_by_test_id("matter-count").inner_text()
    page.get_by_label("生态环境局", exact=True).check()
    page.get_by_label("卫生健康委", exact=True).check()
    # ticking a department fills in one member per group; the lead's certificate is required
    assert page.get_by_label("卫生健康委每组人数").input_value() == "1"
    page.get_by_label("市场监管局每组人数").fill("1")
    page.get_by_role("group", name="市场监管局资格要求").get_by_label("持执法证").check()
    page.get_by_label("A类（低风险）", exact=True).fill("50")
    page.get_by_label("检查组数").fill("2")
    page.get_by_label("检查开始日期").fill(start.isoformat())
    page.get_by_label("检查结束日期").fill(end.isoformat())
    # the live estimate counts the objects in scope and the people who can be drawn
    estimate = page.get_by_test_id("estimate")
    # the estimate answers each change of the form; wait for the one after the last change
    expect(estimate.get_by_test_id("people-estimate")).to_contain_text("卫生健康委")
    assert int(estimate.get_by_test_id("in-scope").inner_text()) == 60
    page.screenshot(path=str(artifacts / "task-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    code = page.get_by_test_id("task-code").inner_text()
    task_url = page.url
    task = Task.objects.get(code=code)
    assert task.group_composition == {"DEPA": 1, "DEPB": 1, "DEPC": 1}
    assert task.required_tags == {"DEPA": ["LE"]} and task.strata["A"] == {"rate_bp": 5000}
    page.get_by_role("button", name="提交联席办审批").click()

    # the office approves it
    _login(page, live_server, "office_admin", password)
    page.goto(task_url)
    page.get_by_role("button", name="提交审批意见").click()

    # the lead department freezes the inputs and announces the draw
    _login(page, live_server, "staff_a", password)
    page.goto(task_url)
    page.get_by_test_id("push-review").click()
    assert "会审中" in page.get_by_test_id("task-status").inner_text()

    # both participating departments confirm with their witness entries
    for username, witness in (("staff_b", "3 1 4 1 5"), ("staff_c", "二七一八")):
        _login(page, live_server, username, password)
        page.goto(task_url)
        review = page.get_by_test_id("my-review")
        review.get_by_label("见证值").fill(witness)
        review.get_by_test_id("confirm-review").click()
        assert "已确认会审" in page.content()

    # the lead department reveals; the draw runs
    _login(page, live_server, "staff_a", password)
    page.goto(task_url)
    page.get_by_test_id("reveal").click()
    assert page.get_by_test_id("draw-state").inner_text() == "已抽取"
    assert len(page.get_by_test_id("seed").inner_text()) == 64
    page.screenshot(path=str(artifacts / "task-draw-record.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("public-bundle-download").click()
    bundle_path = tmp_path / "bundle.json"
    download_info.value.save_as(bundle_path)

    # and the lead department publishes the drawn list (the publication desk)
    page.goto(live_server.url + "/publication/")
    page.get_by_test_id("publish-drawn-list").first.click()
    assert "抽查名单已公示" in page.content()

    # then: anyone can verify the bundle on the public verification page
    page.context.clear_cookies()
    page.goto(live_server.url + f"/tasks/public/{code}/")
    assert "下载抽取数据包" in page.content()
    page.goto(live_server.url + "/tasks/verify/")
    page.get_by_label("上传数据包（JSON 文件）").set_input_files(str(bundle_path))
    page.get_by_test_id("verify-submit").click()
    result = page.get_by_test_id("verify-result").inner_text()
    assert result.startswith("有效"), result
    page.screenshot(path=str(artifacts / "task-verify-valid.png"), full_page=True)
