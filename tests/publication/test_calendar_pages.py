"""The office's calendar pages: year view, set/clear a day, two-step import, year status."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from publication.calendar import (
    calendar_day_set,
    calendar_year_import_preview,
    is_working_day,
    year_status,
)
from publication.models import CalendarDay

pytestmark = pytest.mark.django_db

CALENDAR = reverse("publication:calendar")
DAY = reverse("publication:calendar_day")
IMPORT = reverse("publication:calendar_import")


@pytest.fixture
def office_client(client_for, office_admin):
    return client_for(office_admin)


def test_year_view_marks_holidays_and_makeup_days(office_client):
    response = office_client.get(CALENDAR, {"year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="official"' in html
    assert 'data-date="2025-10-01" data-working="0" data-kind="holiday"' in html
    assert 'data-date="2025-10-11" data-working="1" data-kind="makeup_workday"' in html
    assert 'data-date="2025-10-13" data-working="1">' in html
    assert "国庆节" in html


def test_a_fallback_year_shows_a_warning_banner(office_client):
    response = office_client.get(CALENDAR, {"year": 2030})
    html = response.content.decode()
    assert 'data-status="fallback"' in html
    assert "仅周末休息" in html or "周末休息" in html
    assert 'data-date="2030-01-01" data-working="1">' in html


def test_an_invalid_year_shows_the_current_year(client_for, office_admin, time_machine):
    time_machine.move_to(datetime(2026, 5, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    office_client = client_for(office_admin)
    response = office_client.get(CALENDAR, {"year": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert office_client.get(CALENDAR, {"year": 99999}).context["year"] == 2026


def test_set_a_day_from_the_page(office_client, office_admin):
    response = office_client.post(
        DAY, {"action": "set", "date": "2027-03-03", "kind": "holiday", "name": "临时休假"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2027"
    assert not is_working_day(date(2027, 3, 3))
    assert AuditEvent.objects.filter(action="calendar.day_set", actor=office_admin).exists()


def test_set_a_weekday_makeup_day_shows_the_error(office_client):
    response = office_client.post(
        DAY,
        {"action": "set", "date": "2027-03-03", "kind": "makeup_workday", "name": ""},
        follow=True,
    )
    assert "调休上班日必须是周六或周日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2027, 3, 3)).exists()


def test_clear_a_day_from_the_page(office_client):
    response = office_client.post(DAY, {"action": "clear", "date": "2025-10-11"})
    assert response.status_code == 302
    assert not is_working_day(date(2025, 10, 11))


def test_clearing_a_day_without_override_shows_a_message(office_client):
    response = office_client.post(DAY, {"action": "clear", "date": "2027-03-03"}, follow=True)
    assert "没有特殊安排" in response.content.decode()


def test_import_step_one_defaults_to_next_year(client_for, office_admin, time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    response = client_for(office_admin).get(IMPORT)
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2027


def test_import_preview_then_apply(office_client, office_admin, schedule_2027):
    # given a preview
    response = office_client.post(IMPORT, {"step": "preview", "year": 2027, "text": schedule_2027})
    assert response.status_code == 200
    assert "publication/calendar_import_preview.html" in [t.name for t in response.templates]
    assert "2027-02-07" in response.content.decode()
    assert not year_status(2027).has_official_data  # nothing written yet
    confirm = response.context["confirm_form"].initial
    # when confirmed
    response = office_client.post(IMPORT, {"step": "apply", **confirm})
    # then
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2027"
    assert year_status(2027).has_official_data
    assert AuditEvent.objects.get(action="calendar.year_import").details["note"] == ""


def test_import_from_an_uploaded_file(office_client, schedule_2027):
    upload = SimpleUploadedFile(
        "2027.csv", schedule_2027.encode("utf-8-sig"), content_type="text/csv"
    )
    response = office_client.post(
        IMPORT, {"step": "preview", "year": 2027, "file": upload, "note": "通知"}
    )
    assert response.status_code == 200
    assert response.context["preview"].holiday_count == 6
    assert response.context["confirm_form"].initial["note"] == "通知"


def test_import_errors_are_shown_with_line_numbers_and_nothing_is_written(office_client):
    text = "2027-01-01,休,元旦\n2027-03-03,班,调休\n2027-02-30,休,x"
    response = office_client.post(IMPORT, {"step": "preview", "year": 2027, "text": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 2 行" in html and "第 3 行" in html
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_an_empty_import_form_asks_for_content(office_client):
    response = office_client.post(IMPORT, {"step": "preview", "year": 2027, "text": ""})
    assert "请粘贴安排或上传文件" in response.content.decode()


def test_apply_refuses_when_the_year_changed_since_the_preview(
    office_client, office_admin, schedule_2027
):
    preview = calendar_year_import_preview(year=2027, text_or_rows=schedule_2027)
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
    response = office_client.post(
        IMPORT,
        {
            "step": "apply",
            "year": 2027,
            "text": preview.normalized_text,
            "digest": preview.digest,
            "note": "",
        },
    )
    assert response.status_code == 200
    assert "请重新预览" in response.content.decode()
    assert not year_status(2027).has_official_data


def test_year_status_form_marks_official_and_fallback(office_client):
    url = reverse("publication:calendar_year_status", args=[2027])
    response = office_client.post(url, {"status": "official", "note": ""}, follow=True)
    assert "请说明确认依据" in response.content.decode()
    assert not year_status(2027).has_official_data
    office_client.post(url, {"status": "official", "note": "国办发明电（测试）"})
    assert year_status(2027).has_official_data
    office_client.post(url, {"status": "fallback", "note": ""})
    assert not year_status(2027).has_official_data


def test_office_dashboard_warns_about_next_year_without_official_data(
    client_for, office_admin, time_machine
):
    # (the clock moves before signing in: a session from "before" would have expired)
    time_machine.move_to(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    response = client_for(office_admin).get(reverse("accounts:home"))
    assert response.status_code == 200
    warnings = response.context["dashboard"].warnings
    assert len(warnings) == 1 and "2027" in warnings[0]


def test_the_navigation_links_the_calendar_for_office_admins_only(
    office_client, client_for, staff_a
):
    assert CALENDAR in office_client.get(reverse("accounts:home")).content.decode()
    assert CALENDAR not in client_for(staff_a).get(reverse("accounts:home")).content.decode()
