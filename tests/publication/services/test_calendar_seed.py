from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from publication.calendar import (
    calendar_day_set,
    calendar_seed,
    calendar_year_import,
    is_working_day,
)
from publication.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


def test_the_migration_seeded_2004_to_2026_as_official():
    years = CalendarYear.objects.filter(status="official", source="chinesecalendar")
    assert set(years.values_list("year", flat=True)) >= set(range(2004, 2027))


def test_only_weekday_holidays_weekend_makeup_days_and_named_weekend_holiday_days_are_stored():
    assert not CalendarDay.objects.filter(
        kind="makeup_workday", date__week_day__in=[2, 3, 4, 5, 6]
    ).exists()
    national_day = CalendarDay.objects.get(date=date(2025, 10, 4))  # a Saturday inside the run
    assert (national_day.kind, national_day.name) == ("holiday", "国庆节")
    assert CalendarDay.objects.get(date=date(2025, 10, 6)).name == "中秋节"


def test_reseeding_is_idempotent_and_records_nothing_when_nothing_changes():
    before = CalendarDay.objects.count()
    report = calendar_seed()
    assert not report.changed
    assert CalendarDay.objects.count() == before
    assert not AuditEvent.objects.filter(action="calendar.seed").exists()


def test_reseeding_repairs_a_package_year_and_records_one_event():
    CalendarDay.objects.filter(date=date(2024, 10, 1)).delete()
    CalendarDay.objects.filter(date=date(2024, 10, 12)).update(name="wrong")
    report = calendar_seed(years=[2024])
    assert (report.created, report.updated) == (1, 1)
    assert not is_working_day(date(2024, 10, 1))
    event = AuditEvent.objects.get(action="calendar.seed")
    assert event.actor is None and event.actor_label == "system"
    assert event.details["seeded_years"] == [2024]
    assert calendar_seed(years=[2024]).changed is False


def test_seeding_skips_years_the_office_imported_unless_forced(office_admin):
    calendar_year_import(year=2025, text_or_rows="2025-10-01,休,国庆节", imported_by=office_admin)
    report = calendar_seed(years=[2025])
    assert report.skipped_years == [2025]
    assert CalendarDay.objects.filter(date__year=2025).count() == 1
    forced = calendar_seed(years=[2025], force=True)
    assert forced.seeded_years == [2025]
    assert CalendarYear.objects.get(year=2025).source == "chinesecalendar"
    assert is_working_day(date(2025, 10, 11))


def test_a_manual_day_in_a_year_without_a_status_row_survives_seeding(office_admin):
    # 2025 loses its status row (as if never seeded), but keeps a manual correction.
    CalendarDay.objects.filter(date__year=2025).delete()
    CalendarYear.objects.filter(year=2025).delete()
    calendar_day_set(day=date(2025, 10, 11), kind="holiday", name="手工", set_by=office_admin)
    CalendarYear.objects.filter(year=2025).update(source="")
    calendar_seed(years=[2025])
    assert CalendarDay.objects.get(date=date(2025, 10, 11)).name == "手工"
    assert not is_working_day(date(2025, 10, 11))
    assert not is_working_day(date(2025, 10, 1))


def test_years_beyond_the_package_are_reported_unavailable():
    report = calendar_seed(years=[2030])
    assert report.unavailable_years == [2030]
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_a_person_seeding_must_be_an_office_admin(staff_a, office_admin):
    with pytest.raises(PermissionDenied):
        calendar_seed(seeded_by=staff_a)
    assert calendar_seed(seeded_by=office_admin).changed is False
