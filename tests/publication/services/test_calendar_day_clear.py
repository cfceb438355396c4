from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from publication.calendar import calendar_day_clear, calendar_day_set, is_working_day
from publication.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_clearing_a_holiday_makes_the_weekday_a_working_day_again(office_admin):
    assert not is_working_day(date(2025, 10, 8))
    calendar_day_clear(day=date(2025, 10, 8), cleared_by=office_admin)
    assert is_working_day(date(2025, 10, 8))
    assert not CalendarDay.objects.filter(date=date(2025, 10, 8)).exists()


def test_clearing_a_makeup_day_makes_the_weekend_a_day_off_again(office_admin):
    assert is_working_day(date(2025, 10, 11))
    calendar_day_clear(day=date(2025, 10, 11), cleared_by=office_admin)
    assert not is_working_day(date(2025, 10, 11))


def test_clear_records_an_audit_event(office_admin):
    calendar_day_clear(day=date(2025, 10, 11), cleared_by=office_admin)
    event = AuditEvent.objects.get(action="calendar.day_clear")
    assert event.actor == office_admin
    assert event.details["date"] == "2025-10-11"
    assert event.details["previous"]["kind"] == "makeup_workday"


def test_a_cleared_package_day_is_not_brought_back_by_reseeding(office_admin):
    from publication.calendar import calendar_seed

    calendar_day_clear(day=date(2025, 10, 11), cleared_by=office_admin)
    assert CalendarYear.objects.get(year=2025).source == "manual"
    report = calendar_seed(years=[2025])
    assert report.skipped_years == [2025]
    assert not is_working_day(date(2025, 10, 11))


def test_clearing_a_day_without_an_override_is_an_error(office_admin):
    with pytest.raises(ValidationError):
        calendar_day_clear(day=date(2027, 3, 3), cleared_by=office_admin)


def test_only_office_admins_may_clear(dept_admin_a, staff_a):
    for user in (dept_admin_a, staff_a):
        with pytest.raises(PermissionDenied):
            calendar_day_clear(day=date(2025, 10, 8), cleared_by=user)
    assert CalendarDay.objects.filter(date=date(2025, 10, 8)).exists()


def test_set_then_clear_restores_the_ordinary_rule(office_admin):
    calendar_day_set(day=date(2027, 3, 3), kind="holiday", name="", set_by=office_admin)
    calendar_day_clear(day=date(2027, 3, 3), cleared_by=office_admin)
    assert is_working_day(date(2027, 3, 3))
