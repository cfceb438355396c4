"""The audit page's CSV has its API: the same file for the same filters, office admins only."""

from accounts.audit import record_event
from tests.page_apis import body


def test_audit_export_api_is_the_page_csv(client_for, api_client_for, office_admin, staff_a):
    record_event(actor=office_admin, action="account.freeze", target=staff_a, details={})
    record_event(actor=office_admin, action="=cmd", target=staff_a, details={})
    page = body(client_for(office_admin).get("/audit/?format=csv&action=account.freeze"))
    api = api_client_for(office_admin).get(
        "/api/v1/accounts/audit/events/export/csv/?action=account.freeze"
    )
    assert api.status_code == 200
    assert api["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    assert body(api) == page
    assert "account.freeze" in page.decode("utf-8-sig")
    assert "=cmd" not in page.decode("utf-8-sig")
    assert (
        api_client_for(staff_a).get("/api/v1/accounts/audit/events/export/csv/").status_code == 403
    )
