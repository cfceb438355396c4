"""The office's indicators in the browser: the office admin opens the dashboard, drills into an
indicator and downloads the year-end report; a department admin sees their own department.
Screenshots at 1366 and 390 px for both roles; the PDF is rasterised."""

import subprocess

import pytest

from platform_site import documents
from tests.tasks.indicators.builders import build_year

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_dashboard_drill_down_and_year_report(
    page, live_server, office_admin, dept_admin_a, department_a, department_b, password,
    artifacts, monkeypatch, clean_documents,
):  # fmt: skip
    build_year(office_admin=office_admin, department_a=department_a, department_b=department_b)
    queued = []
    monkeypatch.setattr(documents, "_queue_render", lambda *args: queued.append(args))

    _login(page, live_server, "office_admin", password)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/indicators/2025/")
        page.screenshot(path=str(artifacts / f"indicators-office-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    card = page.get_by_test_id("indicator-joint_share")
    assert "60%" in card.inner_text()
    card.get_by_role("link").click()
    page.wait_for_url("**/measures/joint_share/")
    assert page.get_by_test_id("value").inner_text() == "60%"
    rows = page.get_by_test_id("units").locator("tbody tr")
    assert rows.count() == 5
    page.screenshot(path=str(artifacts / "indicators-detail-1366.png"), full_page=True)

    page.goto(f"{live_server.url}/indicators/2025/")
    page.get_by_test_id("year-report").click()
    page.get_by_text("正在生成…").wait_for()
    assert len(queued) == 1
    documents.document_render(kind_name=queued[0][0], params=queued[0][1], fingerprint=queued[0][2])
    pdf_url = f"{live_server.url}/indicators/2025/year-report.pdf"
    page.wait_for_url(pdf_url, timeout=30_000, wait_until="commit")
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts / "year-report.pdf"
    pdf_path.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(artifacts / "year-report-page1")],
        check=True,
    )  # fmt: skip

    _login(page, live_server, "admin_a", password)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/indicators/")
        page.wait_for_url(f"**/indicators/*/departments/{department_a.pk}/")
        page.goto(f"{live_server.url}/indicators/2025/departments/{department_a.pk}/")
        assert "75%" in page.get_by_test_id("indicator-joint_share").inner_text()
        page.screenshot(path=str(artifacts / f"indicators-department-{width}.png"), full_page=True)
