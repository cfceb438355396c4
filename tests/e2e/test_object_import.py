"""A department admin imports a small file with a few bad rows, watches the progress bar reach
100 % and downloads the error report."""

import csv
import io
import random
from pathlib import Path

import pytest

from registries.uscc import random_uscc

pytestmark = pytest.mark.e2e


def _file() -> tuple[bytes, str]:
    rng = random.Random(3)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["统一社会信用代码", "名称", "行政区划代码", "行业代码", "信用风险分类"])
    for index in range(8):
        writer.writerow([random_uscc(rng), f"临江市浏览器测试企业{index}", "330102", "F5221", "B"])
    good = random_uscc(rng)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    writer.writerow([wrong_check, "校验位错误的企业", "330102", "", ""])
    writer.writerow([random_uscc(rng), "区划错误的企业", "3301", "", ""])
    writer.writerow([random_uscc(rng), "=cmd|' /C calc'!A0", "330102", "", "Z"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), good[-1]


def test_department_admin_imports_objects_and_downloads_the_error_report(
    page, live_server, dept_admin_a, password, settings, tmp_path, artifacts
):
    settings.MEDIA_ROOT = tmp_path
    content, expected_check = _file()
    # given a logged-in department admin on the upload page
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("admin_a")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("home-headline").wait_for()
    page.goto(live_server.url + "/registries/imports/new/")
    # when they upload a file with three bad rows, importing the valid ones
    page.set_input_files(
        "input[type=file]", files=[{"name": "对象.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_label("导入有效行：跳过有错误的行").check()
    page.get_by_role("button", name="上传并导入").click()
    # then the job page's progress bar reaches 100 % and shows the counts
    status = page.get_by_test_id("import-status")
    page.wait_for_selector('[data-testid="import-status"][data-status="succeeded"]', timeout=60_000)
    assert page.get_by_test_id("import-progress").get_attribute("value") == "100"
    assert page.get_by_test_id("import-percent").inner_text() == "100%"
    assert page.get_by_test_id("count-inserted").inner_text() == "8"
    assert page.get_by_test_id("count-invalid").inner_text() == "3"
    assert "导入完成" in status.inner_text()
    page.screenshot(path=str(artifacts / "object-import-finished.png"), full_page=True)
    # and the error report downloads with the reasons in Chinese
    with page.expect_download() as download_info:
        page.get_by_test_id("error-report").click()
    download = download_info.value
    report = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(report)))
    assert rows[0] == ["行号", "列", "值", "原因"]
    assert rows[1][0] == "10"
    assert rows[1][3] == f"统一社会信用代码校验位错误，应为 {expected_check}"
    assert rows[2][:2] == ["11", "行政区划代码"]
    assert rows[3][:3] == ["12", "信用风险分类", "Z"]
    assert download.suggested_filename.endswith(".csv")
