"""Printing in the browser: the lead department's staff open a drawn task, print all its notices,
watch "正在生成…" with the progress bar while the job renders, and receive the PDF; a drawn
inspector sees only their own group's forms. Screenshots at 1366 and 390 px; the PDF is rasterised."""

import subprocess

import pytest

from platform_site import documents
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.tasks.conftest import joint_task, registry  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_print_all_notices_of_a_task(
    page,
    live_server,
    joint_task,  # noqa: F811
    staff_a,
    staff_b,
    password,
    artifacts,
    monkeypatch,
    clean_documents,
):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="7")
    draw_reveal(draw=draw, revealed_by=staff_a)
    count = draw.drawn_objects.count()
    # the job waits for the test (a worker would take it a moment later)
    queued = []
    monkeypatch.setattr(documents, "_queue_render", lambda *args: queued.append(args))

    _login(page, live_server, "staff_a", password)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/tasks/{joint_task.pk}/")
        page.get_by_test_id("print-forms").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"print-task-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("print-all-notices").click()
    page.get_by_text("正在生成…").wait_for()
    assert page.get_by_test_id("document-progress").is_visible()
    page.screenshot(path=str(artifacts / "print-waiting-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "print-waiting-390.png"), full_page=True)
    assert len(queued) == 1
    # a second click while it renders queues nothing more
    page.reload()
    page.get_by_text("正在生成…").wait_for()
    assert len(queued) == 1
    # when the job has rendered it, the poll takes the browser back to the PDF's address
    documents.document_render(kind_name=queued[0][0], params=queued[0][1], fingerprint=queued[0][2])
    pdf_url = f"{live_server.url}/tasks/{joint_task.pk}/notices.pdf"
    page.wait_for_url(pdf_url, timeout=30_000, wait_until="commit")
    response = page.request.get(pdf_url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf_path = artifacts / "print-notices.pdf"
    pdf_path.write_bytes(response.body())
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True, check=True)
    assert f"Pages:           {count}" in info.stdout
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(artifacts / "print-notices-page1")],
        check=True,
    )  # fmt: skip
    assert (artifacts / "print-notices-page1.png").stat().st_size > 10_000
