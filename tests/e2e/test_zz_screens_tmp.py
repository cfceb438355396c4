import pytest

pytestmark = pytest.mark.e2e

HEADER = "人员编码,姓名,部门代码,岗位,执法证号,执法证有效期起,执法证有效期至,标签,行政区划代码,网格,状态,状态起始日期,状态截止日期,同期最多参加检查组数\n"


def login(page, live_server, username, password):
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()


@pytest.mark.parametrize("width", [1366, 390])
def test_screens(
    page, live_server, staff_a, dept_admin_a, password, settings, tmp_path, artifacts, width
):
    from tests.registries.test_inspector_fixtures import make_inspector

    settings.MEDIA_ROOT = tmp_path
    make_inspector(dept_admin_a.department, tags=["FOOD"])
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "admin_a", password)
    page.goto(live_server.url + "/registries/imports/new/")
    page.screenshot(path=str(artifacts / f"tmp-object-import-form-{width}.png"), full_page=True)
    content = (
        HEADER + ",王五,DEPA,执法科员,ZJ100,2015-01-01,2020-12-31,FODD,330102,,在岗,,,3\n"
    ).encode()
    page.goto(live_server.url + "/registries/inspectors/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "人员.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="上传并校验").click()
    page.get_by_test_id("import-warnings").wait_for()
    page.screenshot(
        path=str(artifacts / f"tmp-inspector-import-warnings-{width}.png"), full_page=True
    )
