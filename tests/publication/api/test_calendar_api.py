"""Endpoint tests of /api/v1/calendar/."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from publication.calendar import is_working_day, year_status

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"publication_api:{name}", args=args)


@pytest.fixture
def office_api(api_client_for, office_admin):
    return api_client_for(office_admin)


@pytest.fixture
def staff_api(api_client_for, staff_a):
    return api_client_for(staff_a)


def test_add_returns_the_date_and_no_fallback_years(staff_api):
    response = staff_api.get(url("add"), {"start": "2025-09-26", "n": 20})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2025-09-26",
        "n": 20,
        "date": "2025-10-30",
        "fallback_years": [],
    }


def test_add_reports_fallback_years(staff_api):
    body = staff_api.get(url("add"), {"start": "2026-12-30", "n": 5}).json()
    assert body["date"] == "2027-01-06"
    assert body["fallback_years"] == [2027]


@pytest.mark.parametrize(
    "params",
    [{"start": "2025-09-26", "n": -1}, {"start": "2025-02-30", "n": 1}, {"start": "2025-09-26"},
     {"start": "1900-01-01", "n": 1}, {"start": "2025-01-01", "n": 999999}],
)  # fmt: skip
def test_add_rejects_bad_input(staff_api, params):
    assert staff_api.get(url("add"), params).status_code == 400


def test_between_returns_the_count(staff_api):
    response = staff_api.get(url("between"), {"a": "2025-09-26", "b": "2025-10-31"})
    assert response.status_code == 200
    assert response.json() == {
        "a": "2025-09-26",
        "b": "2025-10-31",
        "count": 21,
        "fallback_years": [],
    }
    assert staff_api.get(url("between"), {"a": "2030-01-01", "b": "2030-01-31"}).json()[
        "fallback_years"
    ] == [2030]
    assert staff_api.get(url("between"), {"a": "2025-09-26", "b": "x"}).status_code == 400


def test_year_list_covers_this_and_next_year(staff_api, time_machine):
    time_machine.move_to(date(2026, 12, 2))
    body = staff_api.get(url("year_list")).json()
    by_year = {item["year"]: item for item in body}
    assert by_year[2025]["has_official_data"] is True
    assert by_year[2027]["has_official_data"] is False
    assert by_year[2027]["status"] == "fallback"


def test_day_list_returns_a_years_overrides_with_its_status(staff_api):
    body = staff_api.get(url("day_list"), {"year": 2025}).json()
    assert body["year"]["year"] == 2025 and body["year"]["has_official_data"] is True
    days = {day["date"]: day for day in body["days"]}
    assert days["2025-10-11"]["kind"] == "makeup_workday"
    assert days["2025-10-01"]["name"] == "国庆节"
    assert staff_api.get(url("day_list")).status_code == 400


def test_day_set_and_clear(office_api, office_admin):
    response = office_api.post(
        url("day_set"), {"date": "2027-03-06", "kind": "makeup_workday", "name": "调休"}
    )
    assert response.status_code == 200
    assert response.json()["source"] == "manual"
    assert is_working_day(date(2027, 3, 6))
    assert office_api.post(url("day_clear"), {"date": "2027-03-06"}).status_code == 204
    assert not is_working_day(date(2027, 3, 6))
    assert [e.action for e in AuditEvent.objects.filter(actor=office_admin).order_by("seq")] == [
        "calendar.day_set",
        "calendar.day_clear",
    ]


def test_day_set_validation_errors_are_400(office_api):
    response = office_api.post(url("day_set"), {"date": "2027-03-03", "kind": "makeup_workday"})
    assert response.status_code == 400
    assert "kind" in response.json()
    assert office_api.post(url("day_clear"), {"date": "2027-03-03"}).status_code == 400


def test_import_dry_run_then_apply(office_api, schedule_2027):
    preview = office_api.post(url("year_import", 2027), {"text": schedule_2027, "dry_run": True})
    assert preview.status_code == 202
    body = preview.json()
    assert body["holiday_count"] == 6 and len(body["changes"]) == 8
    assert not year_status(2027).has_official_data
    applied = office_api.post(
        url("year_import", 2027),
        {"text": schedule_2027, "expected_digest": body["digest"], "note": "测试"},
    )
    assert applied.status_code == 200
    assert applied.json()["status"] == "official"
    assert applied.json()["confirmed_by"] == "office_admin"


def test_import_errors_name_the_lines(office_api):
    response = office_api.post(
        url("year_import", 2027), {"text": "2027-01-01,休,元旦\n2027-03-03,班,x"}
    )
    assert response.status_code == 400
    assert response.json()[0].startswith("第 2 行")
    assert not year_status(2027).has_official_data


def test_mark_official_and_fallback(office_api):
    assert (
        office_api.post(url("year_mark_official", 2027), {}).status_code == 400
    )  # a note is required
    response = office_api.post(url("year_mark_official", 2027), {"note": "国办发明电（测试）"})
    assert response.status_code == 200 and response.json()["has_official_data"] is True
    response = office_api.post(url("year_mark_fallback", 2027), {})
    assert response.status_code == 200 and response.json()["status"] == "fallback"


def test_the_schema_documents_the_calendar_endpoints(office_api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = set(schema["paths"])
    assert {
        "/api/v1/calendar/add/",
        "/api/v1/calendar/between/",
        "/api/v1/calendar/years/{year}/import/",
    } <= paths
    parameters = {p["name"] for p in schema["paths"]["/api/v1/calendar/add/"]["get"]["parameters"]}
    assert {"start", "n"} <= parameters
