"""Browser journey: the object list filters while typing (htmx), then the detail page."""

import pytest

from tests.registries.object_factories import make_object

pytestmark = pytest.mark.e2e


def test_office_searches_the_registry_while_typing(
    page, live_server, office_admin, password, department_a, artifacts
):
    # given two objects in the registry
    make_object(departments=[department_a], name="临江市恒达食品有限公司")
    make_object(name="萧山区华兴化工有限公司")
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("office_admin")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()
    page.goto(live_server.url + "/registries/objects/")
    assert "共 2 个检查对象" in page.get_by_test_id("object-count").inner_text()
    # when the user types a name fragment (no submit)
    page.get_by_label("名称").fill("恒达")
    page.get_by_test_id("object-count").filter(has_text="共 1 个").wait_for()
    # then only the match is listed, and the address bar keeps the filter
    assert "临江市恒达食品有限公司" in page.content()
    assert "华兴化工" not in page.locator("#object-results").inner_text()
    assert "name=" in page.url
    page.screenshot(path=str(artifacts / "registry-object-search.png"), full_page=True)
    page.get_by_role("link", name="临江市恒达食品有限公司").click()
    page.get_by_role("heading", name="临江市恒达食品有限公司").wait_for()
    assert "监管部门与认领" in page.content()
    page.screenshot(path=str(artifacts / "registry-object-detail.png"), full_page=True)
