import pytest

pytestmark = pytest.mark.e2e


def test_department_admin_logs_in_and_sees_the_role_home_page(
    page, live_server, dept_admin_a, password, artifacts
):
    # given a citizen-facing home page with a staff login link
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="工作人员登录").click()
    # when the department admin signs in
    page.get_by_label("用户名").fill("admin_a")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # then the department's workspace greets them with their role and their accounts
    headline = page.get_by_test_id("home-headline")
    headline.wait_for()
    assert "市场监管局 工作台" in headline.inner_text()
    assert "部门系统管理员" in page.content()
    assert page.get_by_role("link", name="账户管理").is_visible()
    assert not page.get_by_role("link", name="审计日志").is_visible()
    page.screenshot(path=str(artifacts / "home-department-admin.png"), full_page=True)


def test_office_admin_sees_the_office_home_with_audit_head(
    page, live_server, office_admin, password
):
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("office_admin")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()
    assert "联席会议办公室工作台" in page.get_by_test_id("home-headline").inner_text()
    page.get_by_role("link", name="审计日志").click()
    assert len(page.get_by_test_id("audit-head").inner_text()) == 64


def test_wrong_password_shows_a_clear_error(page, live_server, staff_a):
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("staff_a")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.content()
