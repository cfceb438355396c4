"""The documents API: request (200 ready / 202 rendering), status and file, through the same access
as the pages; the OpenAPI schema describes it."""

import pytest

from platform_site.documents import document_get, document_render


def _render(document_id):
    document = document_get(document_id)
    return document_render(
        kind_name=document.kind, params=document.params, fingerprint=document.fingerprint
    )


pytestmark = pytest.mark.django_db


def test_request_poll_and_download_a_notice(api_client_for, drawn, staff_a, staff_b):
    drawn_object = drawn.drawn_objects.first()
    client = api_client_for(staff_b)
    body = {"kind": "tasks.inspection_notice", "drawn_object": drawn_object.pk}
    response = client.post("/api/v1/documents/", body, format="json")
    assert response.status_code == 202, response.data
    assert response.data["status"] == "queued" and response.data["file_url"] is None
    document_id = response.data["id"]
    # a repeat asks for the same document
    assert client.post("/api/v1/documents/", body, format="json").data["id"] == document_id
    _render(document_id)
    detail = client.get(f"/api/v1/documents/{document_id}/")
    assert detail.status_code == 200 and detail.data["status"] == "ready"
    assert detail.data["file_url"] == f"/api/v1/documents/{document_id}/file/"
    pdf = client.get(detail.data["file_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # ready now: the request answers 200 with the file's address
    assert client.post("/api/v1/documents/", body, format="json").status_code == 200


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("staff_a", 202),
        ("office_admin", 202),
        ("inspector_a", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
def test_request_checks_the_pages_access(request, api_client_for, drawn, actor, expected, db):
    from accounts.choices import Role
    from tests.accounts.factories import DepartmentFactory, UserFactory

    if actor == "outsider":
        user = UserFactory(
            department=DepartmentFactory(code="DEPC", name="丙部门"), roles=[Role.STAFF]
        )
    else:
        user = request.getfixturevalue(actor)
    response = api_client_for(user).post(
        "/api/v1/documents/",
        {"kind": "tasks.inspection_notices", "task": drawn.task.pk},
        format="json",
    )
    assert response.status_code == expected


def test_status_and_file_of_someone_elses_document_are_404(api_client_for, drawn, staff_a, db):
    from accounts.choices import Role
    from tests.accounts.factories import DepartmentFactory, UserFactory

    outsider = UserFactory(
        department=DepartmentFactory(code="DEPC", name="丙部门"), roles=[Role.STAFF]
    )
    response = api_client_for(staff_a).post(
        "/api/v1/documents/", {"kind": "tasks.draw_record", "draw": drawn.pk}, format="json"
    )
    _render(response.data["id"])
    for path in ("", "file/"):
        assert (
            api_client_for(outsider)
            .get(f"/api/v1/documents/{response.data['id']}/{path}")
            .status_code
            == 404
        )
        assert (
            api_client_for(None).get(f"/api/v1/documents/{response.data['id']}/{path}").status_code
            == 404
        )


def test_missing_unknown_or_extra_parameters_are_a_clear_400(api_client_for, staff_a):
    client = api_client_for(staff_a)
    missing = client.post("/api/v1/documents/", {"kind": "tasks.draw_record"}, format="json")
    assert missing.status_code == 400 and "draw" in missing.data
    extra = client.post(
        "/api/v1/documents/", {"kind": "tasks.draw_record", "draw": 1, "task": 2}, format="json"
    )
    assert extra.status_code == 400 and "task" in extra.data
    unknown = client.post("/api/v1/documents/", {"kind": "nope", "draw": 1}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.data


@pytest.mark.parametrize("document_id", ["0" * 32, "x" * 32, "%20" * 11, "../" * 11, "a"])
def test_unknown_or_malformed_document_ids_are_404(
    api_client_for, client_for, staff_a, document_id
):
    assert api_client_for(staff_a).get(f"/api/v1/documents/{document_id}/").status_code == 404
    assert client_for(staff_a).get(f"/documents/{document_id}/status/").status_code == 404
