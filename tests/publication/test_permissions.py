"""Who may use the calendar, page by page and endpoint by endpoint.

Pages: only office admins; everyone else signed in gets the same 404 as for a missing page, and
anonymous visitors are sent to the login page. API: every signed-in user may read and compute;
only office admins may write (403 otherwise); anonymous requests are refused (401/403).
"""

import pytest
from django.urls import reverse

from publication.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

ACTORS = [
    "office_admin",
    "dept_admin_a",
    "dept_admin_b",
    "staff_a",
    "staff_b",
    "inspector_a",
    "anonymous",
]

PAGES = {
    "calendar": ("get", lambda: reverse("publication:calendar"), {"year": 2025}),
    "calendar_import_form": ("get", lambda: reverse("publication:calendar_import"), {}),
    "calendar_import_preview": (
        "post",
        lambda: reverse("publication:calendar_import"),
        {"step": "preview", "year": 2027, "text": "2027-01-01,休,元旦"},
    ),
    "calendar_import_apply": (
        "post",
        lambda: reverse("publication:calendar_import"),
        {"step": "apply", "year": 2027, "text": "2027-01-01,holiday,元旦", "digest": "x" * 64},
    ),
    "calendar_day_set": (
        "post",
        lambda: reverse("publication:calendar_day"),
        {"action": "set", "date": "2027-03-03", "kind": "holiday", "name": "x"},
    ),
    "calendar_day_clear": (
        "post",
        lambda: reverse("publication:calendar_day"),
        {"action": "clear", "date": "2025-10-11"},
    ),
    "calendar_year_status": (
        "post",
        lambda: reverse("publication:calendar_year_status", args=[2027]),
        {"status": "official", "note": "x"},
    ),
}


def _snapshot():
    return (
        sorted(CalendarDay.objects.values_list("date", "kind", "name", "source")),
        sorted(CalendarYear.objects.values_list("year", "status", "source")),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_are_for_office_admins_only(page, actor, request, client_for):
    user = request.getfixturevalue(actor)
    method, path, data = PAGES[page]
    before = _snapshot()
    response = getattr(client_for(user), method)(path(), data)
    if actor == "office_admin":
        assert response.status_code in (200, 302)
        assert not response.get("Location", "").startswith(reverse("accounts:login"))
    elif actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert _snapshot() == before
    else:
        assert response.status_code == 404
        assert _snapshot() == before


READS = {
    "year_list": (lambda: reverse("publication_api:year_list"), {}),
    "day_list": (lambda: reverse("publication_api:day_list"), {"year": 2025}),
    "add": (lambda: reverse("publication_api:add"), {"start": "2025-09-26", "n": 20}),
    "between": (lambda: reverse("publication_api:between"), {"a": "2025-09-26", "b": "2025-10-31"}),
}

WRITES = {
    "day_set": (
        lambda: reverse("publication_api:day_set"),
        {"date": "2027-03-03", "kind": "holiday", "name": "x"},
        200,
    ),
    "day_clear": (lambda: reverse("publication_api:day_clear"), {"date": "2025-10-11"}, 204),
    "year_import": (
        lambda: reverse("publication_api:year_import", args=[2027]),
        {"text": "2027-01-01,休,元旦"},
        200,
    ),
    "year_import_dry_run": (
        lambda: reverse("publication_api:year_import", args=[2027]),
        {"text": "2027-01-01,休,元旦", "dry_run": True},
        202,
    ),
    "year_mark_official": (
        lambda: reverse("publication_api:year_mark_official", args=[2027]),
        {"note": "x"},
        200,
    ),
    "year_mark_fallback": (
        lambda: reverse("publication_api:year_mark_fallback", args=[2025]),
        {},
        200,
    ),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(READS))
def test_reads_are_for_every_signed_in_user(endpoint, actor, request, api_client_for):
    path, params = READS[endpoint]
    response = api_client_for(request.getfixturevalue(actor)).get(path(), params)
    assert response.status_code == (200 if actor != "anonymous" else 403)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", list(WRITES))
def test_writes_are_for_office_admins_only(endpoint, actor, request, api_client_for):
    path, payload, success = WRITES[endpoint]
    before = _snapshot()
    response = api_client_for(request.getfixturevalue(actor)).post(path(), payload, format="json")
    if actor == "office_admin":
        assert response.status_code == success
    else:
        assert response.status_code in (401, 403)
        assert _snapshot() == before
