"""A result entered in the field on a phone (390 px wide) with a photo from the camera input,
compiled by the group leader, then reviewed, approved and published by the lead department."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tasks.inspections.models import Attachment, InspectionResult
from tests.tasks.factories import make_inspectors, make_objects
from tests.tasks.inspections.builders import jpeg_bytes, start_joint_task

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}


def _login(page, live_server, username, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width


def _answer_every_check_point(page, answer="符合"):
    points = page.get_by_test_id("check-point")
    for index in range(points.count()):
        points.nth(index).get_by_text(answer, exact=True).click()


def test_result_entered_on_a_phone_with_a_photo_then_reviewed_and_published(
    browser, live_server, staff_a, staff_b, office_admin, department_a, department_b, password,
    artifacts, tmp_path,
):  # fmt: skip
    # given: a joint task drawn and started, inspector accounts linked to the group members
    make_objects(40)
    make_inspectors(department_a, 6)
    make_inspectors(department_b, 4)
    started = start_joint_task(
        staff_a=staff_a,
        staff_b=staff_b,
        office_admin=office_admin,
        department_a=department_a,
        department_b=department_b,
    )
    inspection = started.first()
    name = inspection.inspection_object.name
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    photo = tmp_path / "shop.jpg"
    photo.write_bytes(jpeg_bytes(320, 240))

    # the leader finds the group on the phone and sets the day of the visit
    _login(page, live_server, started.leader.username, password)
    page.goto(live_server.url + "/inspections/")
    page.get_by_test_id("group-card").first.click()
    day = timezone.localdate() + timedelta(days=1)
    page.get_by_label(f"{name} 的检查日期").fill(day.isoformat())
    page.get_by_test_id("save-dates").click()
    assert "已保存 1 个检查日期" in page.content()
    _no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "inspection-phone-group.png"), full_page=True)

    # on site: the leader answers the department's check points and takes a photo
    page.get_by_role("link", name=name).click()
    page.get_by_test_id("enter-record").click()
    _answer_every_check_point(page)
    page.get_by_label("检查日期").fill(timezone.localdate().isoformat())
    page.get_by_label("实地核查", exact=True).check()
    page.get_by_label("现场检查情况").fill("现场核查经营场所和进货台账，未发现问题。")
    page.get_by_label("被检查对象意见").fill("无异议")
    file_input = page.get_by_test_id("photo-form").locator("input[type=file]")
    assert file_input.get_attribute("accept") == "image/*"
    assert file_input.get_attribute("capture") is not None
    page.get_by_test_id("complete-record").click()
    assert page.get_by_test_id("record-status").inner_text() == "本部门已完成"
    file_input = page.get_by_test_id("photo-form").locator("input[type=file]")
    file_input.set_input_files(str(photo))
    page.get_by_label("照片说明").fill("门头与货架")
    page.get_by_test_id("upload-photo").click()
    assert "附件已上传" in page.content()
    thumbnail = page.get_by_test_id("attachments").locator("img").first
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") == 320  # served through the access check
    _no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "inspection-phone-record.png"), full_page=True)

    # the other department's member records its own matter
    _login(page, live_server, started.member_b.username, password)
    page.goto(live_server.url + f"/inspections/{inspection.pk}/")
    page.get_by_test_id("enter-record").click()
    _answer_every_check_point(page)
    page.get_by_label("检查日期").fill(timezone.localdate().isoformat())
    page.get_by_label("实地核查", exact=True).check()
    page.get_by_label("现场检查情况").fill("核查相关记录，未发现问题。")
    page.get_by_test_id("complete-record").click()
    assert page.get_by_test_id("record-status").inner_text() == "本部门已完成"

    # the leader compiles the group's result and submits it
    _login(page, live_server, started.leader.username, password)
    page.goto(live_server.url + f"/inspections/{inspection.pk}/")
    compile_form = page.get_by_test_id("compile-form")
    compile_form.get_by_label("未发现问题").check()
    compile_form.get_by_label("检查完成日期").fill(timezone.localdate().isoformat())
    compile_form.get_by_role("button", name="保存检查结果").click()
    page.get_by_test_id("submit-result").click()
    assert page.get_by_test_id("result-status").inner_text().startswith("待审核")
    _no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "inspection-phone-submitted.png"), full_page=True)

    # the lead department's reviewer approves and publishes
    _login(page, live_server, "staff_a", password)
    page.goto(live_server.url + "/inspections/")
    page.get_by_test_id("review-queue").get_by_role("link", name=name).click()
    page.get_by_test_id("approve-result").click()
    assert page.get_by_test_id("result-status").inner_text().startswith("已审核待公示")
    page.get_by_test_id("publish-result").click()
    assert page.get_by_test_id("result-status").inner_text().startswith("已公示")
    assert "未发现问题" in page.get_by_test_id("categories").inner_text()
    _no_horizontal_overflow(page)
    page.screenshot(path=str(artifacts / "inspection-phone-published.png"), full_page=True)
    context.close()

    # then
    result = InspectionResult.objects.get(inspection=inspection)
    assert result.status == "published" and result.published_version.number == 1
    attachment = Attachment.objects.get(record__inspection=inspection)
    assert attachment.caption == "门头与货架" and attachment.content_type == "image/jpeg"
