from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from publication.models import CalendarDay

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("workdays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_add_prints_exactly_the_iso_date():
    out, err = run("add", "2025-09-26", "20")
    assert out == "2025-10-30\n"
    assert err == ""


def test_add_eighteen_working_days_lands_on_28_october():
    assert run("add", "2025-09-26", "18")[0] == "2025-10-28\n"


def test_between_prints_exactly_the_count():
    out, err = run("between", "2025-09-26", "2025-10-31")
    assert out == "21\n"
    assert err == ""


def test_a_fallback_year_warns_on_stderr_only():
    out, err = run("add", "2029-12-31", "1")
    assert out == "2030-01-01\n"
    assert "2030" in err and "weekends-only" in err
    out, err = run("between", "2026-12-01", "2027-01-31")
    assert out.strip().isdigit()
    assert "2027" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (("add", "2025-02-30", "5"), "not a valid date"),
        (("add", "26/09/2025", "5"), "not a valid date"),
        (("add", "2025-09-26", "-1"), "negative"),
        (("add", "2025-09-26", "twenty"), "whole number"),
        (("add", "2025-09-26", "999999"), "too large"),
        (("between", "2025-09-26", "tomorrow"), "not a valid date"),
        (("add", "1900-01-01", "1"), "1949"),
    ],
)
def test_bad_input_is_a_command_error_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_seed_is_idempotent():
    before = CalendarDay.objects.count()
    out, _err = run("seed")
    assert "0 day(s) created, 0 updated, 0 deleted" in out
    assert CalendarDay.objects.count() == before


def test_seed_reports_years_the_package_does_not_know():
    _out, err = run("seed", "--year", "2031")
    assert "2031" in err


def test_status_lists_years_and_flags_fallback():
    out, _err = run("status", "--year", "2025", "--year", "2027")
    lines = out.splitlines()
    assert lines[0].startswith("2025") and "official" in lines[0]
    assert lines[1].startswith("2027") and "FALLBACK" in lines[1]
    default, _err = run("status")
    assert "2004" in default and "2026" in default
