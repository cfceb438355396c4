from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from publication.calendar import (
    add_working_days_explained,
    calendar_day_set,
    calendar_year_import,
    calendar_year_import_preview,
    is_working_day,
    year_status,
)
from publication.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def _days(year):
    return CalendarDay.objects.filter(date__year=year)


def test_importing_next_years_schedule_marks_it_official(office_admin, schedule_2027):
    # given 2027 has no official data
    assert not year_status(2027).has_official_data
    assert add_working_days_explained(date(2026, 12, 31), 1).fallback_years == [2027]
    # when
    year = calendar_year_import(year=2027, text_or_rows=schedule_2027, imported_by=office_admin)
    # then
    assert year.status == "official"
    assert year.source == "official_import"
    assert year.confirmed_by == office_admin
    assert _days(2027).count() == 8
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 2, 7))  # Sunday, 调休上班
    assert not is_working_day(date(2027, 10, 4))
    result = add_working_days_explained(date(2026, 12, 31), 1)
    assert result.date == date(2027, 1, 4)
    assert result.fallback_years == []


def test_import_records_an_audit_event_with_a_summary(office_admin, schedule_2027):
    calendar_year_import(
        year=2027, text_or_rows=schedule_2027, imported_by=office_admin, note="测试通知"
    )
    event = AuditEvent.objects.get(action="calendar.year_import")
    assert event.actor == office_admin
    assert event.target_type == "publication.calendaryear"
    assert event.details["year"] == 2027
    assert event.details["holidays"] == 6
    assert event.details["makeup_workdays"] == 2
    assert event.details["added"] == 8
    assert event.details["previous_status"] == "fallback"
    assert event.details["note"] == "测试通知"
    assert len(event.details["sha256"]) == 64


def test_import_replaces_the_whole_year_including_manual_days(office_admin, schedule_2027):
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="临时", set_by=office_admin)
    calendar_year_import(year=2027, text_or_rows=schedule_2027, imported_by=office_admin)
    assert not CalendarDay.objects.filter(date=date(2027, 3, 3)).exists()
    assert set(_days(2027).values_list("source", flat=True)) == {"official_import"}


def test_reimporting_an_official_year_replaces_its_days(office_admin):
    text = "2025-10-01,休,国庆节\n2025-09-28,班,国庆节调休"
    calendar_year_import(year=2025, text_or_rows=text, imported_by=office_admin)
    assert _days(2025).count() == 2
    assert is_working_day(date(2025, 10, 8))


def test_rows_are_accepted_as_well_as_text(office_admin):
    rows = [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        (date(2027, 10, 9), "workday", "国庆节调休"),
    ]
    calendar_year_import(year=2027, text_or_rows=rows, imported_by=office_admin)
    assert _days(2027).count() == 2


def test_a_header_line_and_tabs_and_chinese_commas_are_accepted(office_admin):
    text = "日期,类型,名称\n2027-01-01\t休\t元旦\n2027-10-09，班，国庆节调休\n\n"
    calendar_year_import(year=2027, text_or_rows=text, imported_by=office_admin)
    assert _days(2027).count() == 2


def test_bad_lines_are_reported_with_line_numbers_and_nothing_is_written(office_admin):
    text = "\n".join(
        [
            "2027-01-01,休,元旦",  # 1 fine
            "2027-13-01,休,元旦",  # 2 bad date
            "2026-10-01,休,国庆节",  # 3 wrong year
            "2027-10-01,放风,国庆节",  # 4 bad kind
            "2027-01-01,休,元旦",  # 5 duplicate of line 1
            "2027-03-03,班,调休",  # 6 make-up working day on a Wednesday
            "2027-10-02",  # 7 missing kind
        ]
    )
    with pytest.raises(ValidationError) as error:
        calendar_year_import(year=2027, text_or_rows=text, imported_by=office_admin)
    messages = error.value.messages
    assert len(messages) == 6
    assert messages[0].startswith("第 2 行")
    assert "2027-13-01" in messages[0]
    assert messages[1].startswith("第 3 行") and "2027" in messages[1]
    assert messages[2].startswith("第 4 行") and "放风" in messages[2]
    assert messages[3].startswith("第 5 行") and "第 1 行" in messages[3]
    assert messages[4].startswith("第 6 行") and "周三" in messages[4]
    assert messages[5].startswith("第 7 行")
    assert not _days(2027).exists()
    assert not CalendarYear.objects.filter(year=2027, status="official").exists()
    assert not AuditEvent.objects.filter(action="calendar.year_import").exists()


def test_errors_are_translated(office_admin, settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        calendar_year_import(year=2027, text_or_rows="2027-02-30,休,x", imported_by=office_admin)
    assert "第 1 行" in error.value.messages[0]


def test_an_empty_import_is_refused(office_admin):
    with pytest.raises(ValidationError):
        calendar_year_import(year=2027, text_or_rows="# nothing\n\n", imported_by=office_admin)


def test_a_holiday_may_be_a_weekend_day(office_admin):
    calendar_year_import(year=2027, text_or_rows="2027-10-02,休,国庆节", imported_by=office_admin)
    assert _days(2027).get().kind == "holiday"


def test_preview_shows_changes_without_writing(office_admin, schedule_2027):
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="临时", set_by=office_admin)
    preview = calendar_year_import_preview(year=2027, text_or_rows=schedule_2027)
    actions = {change.date: change.action for change in preview.changes}
    assert actions[date(2027, 3, 3)] == "remove"
    assert actions[date(2027, 1, 1)] == "add"
    assert preview.holiday_count == 6 and preview.makeup_workday_count == 2
    assert date(2027, 2, 7) in {change.date for change in preview.working_changes}
    assert _days(2027).count() == 1


def test_apply_refuses_if_the_year_changed_after_the_preview(office_admin, schedule_2027):
    preview = calendar_year_import_preview(year=2027, text_or_rows=schedule_2027)
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="临时", set_by=office_admin)
    with pytest.raises(ValidationError):
        calendar_year_import(
            year=2027,
            text_or_rows=schedule_2027,
            imported_by=office_admin,
            expected_digest=preview.digest,
        )
    assert _days(2027).count() == 1


def test_apply_with_the_previewed_digest_succeeds(office_admin, schedule_2027):
    preview = calendar_year_import_preview(year=2027, text_or_rows=schedule_2027)
    calendar_year_import(
        year=2027,
        text_or_rows=preview.normalized_text,
        imported_by=office_admin,
        expected_digest=preview.digest,
    )
    assert _days(2027).count() == 8


@pytest.mark.parametrize("persona", ["dept_admin_a", "staff_a", "inspector_a", "dept_admin_b"])
def test_only_office_admins_may_import(persona, request, schedule_2027):
    with pytest.raises(PermissionDenied):
        calendar_year_import(
            year=2027, text_or_rows=schedule_2027, imported_by=request.getfixturevalue(persona)
        )
    assert not _days(2027).exists()
