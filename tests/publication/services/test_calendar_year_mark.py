from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from publication.calendar import (
    add_working_days_explained,
    calendar_year_mark_fallback,
    calendar_year_mark_official,
    year_status,
)

pytestmark = pytest.mark.django_db


def test_mark_official_confirms_a_year_and_is_audited(office_admin):
    year = calendar_year_mark_official(
        year=2027, confirmed_by=office_admin, note="国办发明电（测试）"
    )
    assert year.status == "official"
    assert year.source == "manual"
    assert year.confirmed_by == office_admin
    assert year_status(2027).has_official_data
    assert add_working_days_explained(date(2026, 12, 31), 1).fallback_years == []
    event = AuditEvent.objects.get(action="calendar.year_mark_official")
    assert event.details["year"] == 2027
    assert event.details["previous"] == {"status": "fallback", "source": ""}


def test_mark_official_needs_a_note(office_admin):
    with pytest.raises(ValidationError) as error:
        calendar_year_mark_official(year=2027, confirmed_by=office_admin, note="  ")
    assert "note" in error.value.message_dict
    assert not year_status(2027).has_official_data


def test_marking_an_official_year_official_again_records_nothing(office_admin):
    calendar_year_mark_official(year=2025, confirmed_by=office_admin, note="x")
    assert not AuditEvent.objects.filter(action="calendar.year_mark_official").exists()


def test_mark_fallback_makes_calculations_report_the_year(office_admin):
    year = calendar_year_mark_fallback(year=2026, marked_by=office_admin, note="待核实")
    assert year.status == "fallback"
    assert not year_status(2026).has_official_data
    assert add_working_days_explained(date(2026, 3, 2), 5).fallback_years == [2026]
    event = AuditEvent.objects.get(action="calendar.year_mark_fallback")
    assert event.details["previous"] == {"status": "official", "source": "chinesecalendar"}
    calendar_year_mark_fallback(year=2026, marked_by=office_admin)
    assert AuditEvent.objects.filter(action="calendar.year_mark_fallback").count() == 1


def test_out_of_range_years_are_refused(office_admin):
    with pytest.raises(ValidationError):
        calendar_year_mark_official(year=3000, confirmed_by=office_admin, note="x")
    with pytest.raises(ValidationError):
        calendar_year_mark_fallback(year=1900, marked_by=office_admin)


def test_only_office_admins_may_change_a_years_status(dept_admin_a, staff_a):
    for user in (dept_admin_a, staff_a):
        with pytest.raises(PermissionDenied):
            calendar_year_mark_official(year=2027, confirmed_by=user, note="x")
        with pytest.raises(PermissionDenied):
            calendar_year_mark_fallback(year=2025, marked_by=user)
    assert not year_status(2027).has_official_data
    assert year_status(2025).has_official_data
