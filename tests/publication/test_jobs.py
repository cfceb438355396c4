from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import AuditEvent
from publication.jobs import calendar_coverage_job

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_missing_next_year_after_1_december_is_reported_and_nothing_is_written(time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 6, 0, tzinfo=SHANGHAI))
    before = AuditEvent.objects.count()
    first = calendar_coverage_job()
    second = calendar_coverage_job()
    assert first == second
    assert first["year"] == 2027
    assert first["has_official_data"] is False
    assert first["status"] == "fallback"
    assert first["missing_after_deadline"] is True
    assert AuditEvent.objects.count() == before


def test_missing_next_year_before_december_is_not_yet_overdue(time_machine):
    time_machine.move_to(datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI))
    result = calendar_coverage_job()
    assert result["year"] == 2027
    assert result["missing_after_deadline"] is False


def test_a_loaded_next_year_is_fine(time_machine):
    time_machine.move_to(datetime(2025, 12, 15, 6, 0, tzinfo=SHANGHAI))
    result = calendar_coverage_job()
    assert result["year"] == 2026
    assert result["has_official_data"] is True
    assert result["missing_after_deadline"] is False


def test_the_job_runs_as_a_celery_task(time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 6, 0, tzinfo=SHANGHAI))
    assert calendar_coverage_job.name == "publication.jobs.calendar_coverage_job"
    assert calendar_coverage_job.apply().get()["missing_after_deadline"] is True
