"""What each department sees and changes of the inspector registry, beyond who may open which page
(that is the generated matrix, tests/permissions): lists, exports and recusals show only the own
department's; denied writes change nothing; an import cannot land in another department."""
# ruff: noqa: F811 (fixtures imported from test_inspector_fixtures are redefined as arguments)

import pytest

from registries.choices import RecusalStatus
from registries.models import Inspector, Recusal, RecusalRule
from tests.registries.test_inspector_fixtures import (  # noqa: F401
    inspector_record_a,
    inspector_record_b,
    make_expert,
    make_object,
    make_recusal,
    object_a,
)


@pytest.fixture
def world(department_a, inspector_record_a, inspector_record_b, object_a, staff_a):
    pending = make_recusal(
        inspector_record_a, object_a, declared_by=staff_a, status=RecusalStatus.DECLARED
    )
    return {"recusal": pending.pk}


def test_department_b_cannot_import_into_department_a(api_client_for, department_a, staff_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "people.csv", "姓名,部门代码\n王五,DEPA\n".encode(), content_type="text/csv"
    )
    response = api_client_for(staff_b).post(
        "/api/v1/registries/inspectors/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json()["ok"] is False
    assert not Inspector.objects.filter(name="王五").exists()


def test_list_shows_only_own_department(
    client_for, api_client_for, staff_b, office_admin, inspector_record_a, inspector_record_b
):
    body = client_for(staff_b).get("/registries/inspectors/").content.decode()
    assert inspector_record_b.code in body
    assert inspector_record_a.code not in body
    codes = [
        row["code"]
        for row in api_client_for(staff_b).get("/api/v1/registries/inspectors/").json()["results"]
    ]
    assert codes == [inspector_record_b.code]
    all_codes = [
        row["code"]
        for row in api_client_for(office_admin)
        .get("/api/v1/registries/inspectors/")
        .json()["results"]
    ]
    assert set(all_codes) == {inspector_record_a.code, inspector_record_b.code}


def test_export_of_department_b_does_not_contain_department_a(
    client_for, staff_b, inspector_record_a, inspector_record_b
):
    response = client_for(staff_b).get("/registries/inspectors/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert inspector_record_b.code in body
    assert inspector_record_a.code not in body


def test_recusals_of_other_departments_are_invisible(
    api_client_for, world, staff_b, inspector_a, staff_a
):
    assert (
        api_client_for(staff_b).get("/api/v1/registries/inspectors/recusals/").json()["count"] == 0
    )
    assert (
        api_client_for(inspector_a).get("/api/v1/registries/inspectors/recusals/").json()["count"]
        == 1
    )


def test_inspector_account_sees_only_own_recusals(
    api_client_for, world, department_a, inspector_a, staff_a
):
    from tests.registries.test_inspector_fixtures import make_inspector

    colleague = make_inspector(department_a)
    make_recusal(colleague, make_object(), declared_by=staff_a)
    assert (
        api_client_for(inspector_a).get("/api/v1/registries/inspectors/recusals/").json()["count"]
        == 1
    )
    assert (
        api_client_for(staff_a).get("/api/v1/registries/inspectors/recusals/").json()["count"] == 2
    )


def test_denied_writes_change_nothing(
    client_for, api_client_for, world, staff_b, staff_a, inspector_record_a
):
    client_for(staff_b).post(
        f"/registries/inspectors/{inspector_record_a.pk}/edit/",
        {"name": "改", "max_load": 2, "status": "active"},
    )
    api_client_for(staff_b).post(
        f"/api/v1/registries/inspectors/{inspector_record_a.pk}/update/",
        {"name": "改"},
        format="json",
    )
    client_for(staff_a).post(f"/registries/inspectors/recusals/{world['recusal']}/confirm/", {})
    api_client_for(staff_a).post(
        "/api/v1/registries/inspectors/recusal-rules/own_grid/", {"is_active": True}, format="json"
    )
    assert Inspector.objects.get(pk=inspector_record_a.pk).name == "张三"
    assert Recusal.objects.get(pk=world["recusal"]).status == RecusalStatus.DECLARED
    assert not RecusalRule.objects.exists()
