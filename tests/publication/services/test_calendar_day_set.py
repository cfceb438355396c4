from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from publication.calendar import add_working_days, calendar_day_set, is_working_day, year_status
from publication.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_office_admin_marks_a_weekday_as_a_holiday(office_admin):
    # given 3 March 2027 (Wednesday) is an ordinary working day
    assert is_working_day(date(2027, 3, 3))
    # when
    day = calendar_day_set(
        day=date(2027, 3, 3), kind="holiday", name="临时休假", set_by=office_admin
    )
    # then
    assert day.source == "manual"
    assert day.created_by == office_admin
    assert not is_working_day(date(2027, 3, 3))
    assert add_working_days(date(2027, 3, 2), 1) == date(2027, 3, 4)


def test_a_weekend_becomes_a_makeup_working_day(office_admin):
    calendar_day_set(day=date(2027, 3, 6), kind="makeup_workday", name="调休", set_by=office_admin)
    assert is_working_day(date(2027, 3, 6))
    assert add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 6)


def test_chinese_kind_words_are_accepted(office_admin):
    assert (
        calendar_day_set(day=date(2027, 3, 6), kind="班", set_by=office_admin).kind
        == "makeup_workday"
    )


def test_set_records_an_audit_event_with_the_previous_value(office_admin):
    calendar_day_set(day=date(2025, 10, 8), kind="holiday", name="国庆假期", set_by=office_admin)
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert event.actor == office_admin
    assert event.target_type == "publication.calendarday"
    assert event.details["date"] == "2025-10-08"
    assert event.details["name"] == "国庆假期"
    assert event.details["previous"] == {
        "kind": "holiday",
        "name": "国庆节",
        "source": "chinesecalendar",
    }


def test_setting_the_same_value_again_changes_and_records_nothing(office_admin):
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="临时休假", set_by=office_admin)
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="临时休假", set_by=office_admin)
    assert AuditEvent.objects.filter(action="calendar.day_set").count() == 1


def test_editing_a_package_year_takes_it_over_from_the_package(office_admin):
    calendar_day_set(day=date(2025, 10, 8), kind="holiday", name="国庆假期", set_by=office_admin)
    assert CalendarYear.objects.get(year=2025).source == "manual"
    assert year_status(2025).has_official_data  # still official: only the source changes


def test_a_makeup_working_day_must_be_a_weekend(office_admin):
    with pytest.raises(ValidationError) as error:
        calendar_day_set(day=date(2027, 3, 3), kind="makeup_workday", name="", set_by=office_admin)
    assert "kind" in error.value.message_dict
    assert not CalendarDay.objects.filter(date=date(2027, 3, 3)).exists()


def test_an_unknown_kind_is_refused(office_admin):
    with pytest.raises(ValidationError):
        calendar_day_set(day=date(2027, 3, 3), kind="maybe", name="", set_by=office_admin)


def test_a_date_outside_the_supported_years_is_refused(office_admin):
    with pytest.raises(ValidationError) as error:
        calendar_day_set(day=date(2300, 3, 3), kind="holiday", name="", set_by=office_admin)
    assert "date" in error.value.message_dict


@pytest.mark.parametrize("persona", ["dept_admin_a", "staff_a", "inspector_a"])
def test_only_office_admins_may_set_a_day(persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=user)
    assert not CalendarDay.objects.filter(date=date(2027, 3, 3)).exists()
    assert not AuditEvent.objects.filter(action="calendar.day_set").exists()
