"""Browser journey: the office imports a list with a preview, then a citizen reads it.

To be moved to tests/e2e/test_catalog_journey.py (it needs the e2e conftest fixtures; a second
Playwright instance from another directory cannot run beside them).
"""

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def city_departments(db):
    from tests.accounts.factories import DepartmentFactory

    return [
        DepartmentFactory(code="SAMR", name="临江市市场监督管理局"),
        DepartmentFactory(code="EEB", name="临江市生态环境局"),
    ]


CSV = (
    "序号,抽查事项,检查对象,事项类别,检查方式,检查主体,检查依据\n"
    "1,年度报告公示信息的检查,企业,一般检查事项,现场检查、书面检查,县级以上市场监管部门,《企业信息公示暂行条例》第八条\n"
    "2,特种设备安全检查,特种设备使用单位,重点检查事项,现场检查,县级以上市场监管部门,《特种设备安全法》\n"
    "3,排污许可执行情况检查,排污单位,重点检查事项,现场检查,生态环境部门,《排污许可管理条例》\n"
)


def test_office_imports_a_list_and_citizens_read_it(
    page, live_server, office_admin, password, city_departments, artifacts, tmp_path
):
    path = tmp_path / "清单.csv"
    path.write_text(CSV, encoding="gbk")
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("office_admin")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()
    # the office uploads the list and sees the preview before anything is written
    page.goto(live_server.url + "/catalog/imports/")
    page.get_by_label("清单文件").set_input_files(str(path))
    page.get_by_label("编码前缀").fill("LJ-")
    page.get_by_test_id("import-preview").click()
    summary = page.get_by_test_id("import-summary")
    summary.wait_for()
    assert "新增 3 项" in summary.inner_text()
    page.screenshot(path=str(artifacts / "catalog-import-preview.png"), full_page=True)
    page.get_by_test_id("import-apply").click()
    assert page.get_by_test_id("import-status").inner_text() == "已导入"
    # the list shows the matters with their departments
    page.goto(live_server.url + "/catalog/")
    table = page.get_by_test_id("matter-table")
    assert "特种设备安全检查" in table.inner_text()
    assert "生态环境局" in table.inner_text() or "临江市生态环境局" in table.inner_text()
    page.screenshot(path=str(artifacts / "catalog-matter-list.png"), full_page=True)
    page.get_by_role("link", name="年度报告公示信息的检查").click()
    page.get_by_test_id("revisions").wait_for()
    page.screenshot(path=str(artifacts / "catalog-matter-detail.png"), full_page=True)
    # a citizen reads the current list without an account
    page.context.clear_cookies()
    page.goto(live_server.url + "/catalog/public/?category=key")
    text = page.get_by_test_id("matter-table").inner_text()
    assert "特种设备安全检查" in text and "年度报告" not in text
    page.screenshot(path=str(artifacts / "catalog-public-list.png"), full_page=True)
