"""The office's status page has its API: the same panels, as data, for office admins only."""

from django.urls import reverse

from accounts.audit import record_event
from platform_site.status import status_panels


def test_status_api_reports_the_page_panels(api_client_for, office_admin, staff_a):
    event = record_event(actor=office_admin, action="test.status", target=staff_a, details={})
    response = api_client_for(office_admin).get(reverse("status_api"))
    assert response.status_code == 200
    data = response.json()
    checks = {check["name"]: check["ok"] for check in data["checks"]}
    assert checks["Redis"] is True and len(checks) == len(status_panels()["checks"]) > 4
    assert data["head"]["seq"] == event.seq and data["head"]["hash"] == event.hash
    assert [row["year"] for row in data["coverage"]] == sorted(
        row["year"] for row in data["coverage"]
    )
    assert data["stuck_draws"] == []
    assert isinstance(data["stuck_minutes"], int)
    assert api_client_for(staff_a).get(reverse("status_api")).status_code == 403
