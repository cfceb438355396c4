from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent
from publication.calendar import year_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule_file(tmp_path, schedule_2027):
    path = tmp_path / "2027.csv"
    path.write_text(schedule_2027, encoding="utf-8")
    return path


def test_dry_run_shows_changes_and_writes_nothing(schedule_file, office_admin):
    out = StringIO()
    call_command(
        "calendar_import",
        "2027",
        str(schedule_file),
        "--user",
        "office_admin",
        "--dry-run",
        stdout=out,
    )
    assert "add     2027-01-01" in out.getvalue()
    assert not year_status(2027).has_official_data


def test_import_as_office_admin_marks_the_year_official(schedule_file, office_admin):
    call_command(
        "calendar_import", "2027", str(schedule_file), "--user", "office_admin", stdout=StringIO()
    )
    assert year_status(2027).has_official_data
    assert AuditEvent.objects.get(action="calendar.year_import").actor == office_admin


def test_import_refuses_non_office_users_and_bad_files(schedule_file, tmp_path, staff_a):
    with pytest.raises(CommandError):
        call_command(
            "calendar_import", "2027", str(schedule_file), "--user", "staff_a", stdout=StringIO()
        )
    bad = tmp_path / "bad.csv"
    bad.write_text("2027-01-01,休,元旦\n2027-03-03,班,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("calendar_import", "2027", str(bad), "--user", "staff_a", stdout=StringIO())
    assert not year_status(2027).has_official_data
