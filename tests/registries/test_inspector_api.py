"""The inspector-registry API: endpoints, filters, query counts, import/export, OpenAPI."""
# ruff: noqa: F811 (fixtures imported from test_inspector_fixtures are redefined as arguments)

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from openpyxl import load_workbook

from registries.choices import InspectorStatus, RecusalStatus
from registries.models import Inspector, Recusal
from tests.registries.test_inspector_fixtures import (  # noqa: F401
    days,
    inspector_record_a,
    make_expert,
    make_inspector,
    make_object,
    make_recusal,
    object_a,
)

BASE = "/api/v1/registries/inspectors/"


def test_create_update_certificate_round_trip(api_client_for, staff_a, inspector_a):
    client = api_client_for(staff_a)
    response = client.post(
        BASE + "create/",
        {
            "name": "吴九",
            "tags": ["food"],
            "certificate_number": "ZJ-1",
            "certificate_valid_until": str(days(300)),
            "user": "inspector_a",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["department"], body["tags"], body["user"]) == (
        "DEPA-0001",
        "DEPA",
        ["FOOD", "LE"],
        "inspector_a",
    )
    url = f"{BASE}{body['id']}/"
    response = client.post(
        url + "update/",
        {"status": "on_leave", "status_since": str(days(1)), "status_until": str(days(3))},
        format="json",
    )
    assert response.json()["status"] == "on_leave"
    response = client.get(url + f"eligibility/?start={days(2)}&end={days(2)}")
    assert response.json()["drawable"] is False
    assert "休假" in response.json()["reasons"][0]
    response = client.post(url + "certificate/", {"certificate_number": ""}, format="json")
    assert response.json()["tags"] == ["FOOD"]


def test_service_errors_become_400_with_field_messages(api_client_for, staff_a):
    response = api_client_for(staff_a).post(
        BASE + "create/", {"name": "吴九", "tags": ["食品"]}, format="json"
    )
    assert response.status_code == 400
    assert "tags" in response.json()


def test_unknown_department_and_account_are_400(api_client_for, office_admin):
    client = api_client_for(office_admin)
    assert (
        client.post(
            BASE + "create/", {"name": "X", "department": "NOPE"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            BASE + "create/", {"name": "X", "department": "DEPA", "user": "ghost"}, format="json"
        ).status_code
        == 400
    )


def test_list_filters_and_query_count(
    api_client_for, staff_a, department_a, django_assert_max_num_queries
):
    for index in range(20):
        make_inspector(department_a, tags=["LE", "FOOD"] if index % 2 else ["LE"])
    make_inspector(department_a, status=InspectorStatus.RETIRED)
    client = api_client_for(staff_a)
    with django_assert_max_num_queries(6):
        response = client.get(BASE + "?tag=FOOD")
    assert response.json()["count"] == 10
    assert client.get(BASE + "?status=retired").json()["count"] == 1
    assert (
        client.get(BASE + f"?drawable_from={days(1)}&drawable_until={days(5)}").json()["count"]
        == 20
    )
    assert client.get(BASE + "?status=bogus").status_code == 400


def test_export_api_xlsx_and_csv(api_client_for, staff_a, department_a):
    make_inspector(department_a, name="@danger")
    client = api_client_for(staff_a)
    response = client.get(BASE + "export/?file_format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][1] == "'@danger"
    response = client.get(BASE + "export/?file_format=csv&status=active")
    assert "'@danger" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_import_api_validates_then_applies(api_client_for, staff_a):
    client = api_client_for(staff_a)

    def upload():
        return SimpleUploadedFile("p.csv", "姓名,标签\n郑十,FOOD\n".encode())

    report = client.post(BASE + "import/", {"file": upload()}, format="multipart").json()
    assert (report["ok"], report["applied"], report["to_create"]) == (True, False, 1)
    report = client.post(
        BASE + "import/", {"file": upload(), "apply": True}, format="multipart"
    ).json()
    assert (report["applied"], report["created"]) == (True, 1)
    assert Inspector.objects.get().name == "郑十"


def test_import_api_unreadable_file_is_400(api_client_for, staff_a):
    upload = SimpleUploadedFile("p.csv", b"")
    response = api_client_for(staff_a).post(BASE + "import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_experts_api(api_client_for, office_admin, staff_b):
    response = api_client_for(office_admin).post(
        BASE + "experts/create/",
        {"name": "钱七", "organisation": "院", "speciality": "食品", "tags": ["FOOD"]},
        format="json",
    )
    assert response.status_code == 201
    expert_id = response.json()["id"]
    api_client_for(office_admin).post(
        BASE + f"experts/{expert_id}/update/", {"status": "on_leave"}, format="json"
    )
    listing = api_client_for(staff_b).get(BASE + "experts/?status=on_leave").json()
    assert [row["code"] for row in listing["results"]] == ["EXPERT-0001"]


def test_recusal_api_flow(api_client_for, inspector_a, dept_admin_a, inspector_record_a, object_a):
    response = api_client_for(inspector_a).post(
        BASE + "recusals/declare/",
        {
            "inspector": inspector_record_a.pk,
            "object_code": object_a.code,
            "reason": "former_employer",
            "note": "曾任职",
        },
        format="json",
    )
    assert response.status_code == 201
    recusal_id = response.json()["id"]
    queue = api_client_for(dept_admin_a).get(BASE + "recusals/queue/").json()
    assert [row["id"] for row in queue["results"]] == [recusal_id]
    response = api_client_for(dept_admin_a).post(
        BASE + f"recusals/{recusal_id}/reject/", {}, format="json"
    )
    assert response.status_code == 400
    response = api_client_for(dept_admin_a).post(
        BASE + f"recusals/{recusal_id}/reject/", {"note": "不属实"}, format="json"
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["decided_by"] == "admin_a"
    listing = api_client_for(inspector_a).get(BASE + "recusals/?status=rejected").json()
    assert listing["results"][0]["decision_note"] == "不属实"


def test_declare_unknown_object_is_400(api_client_for, staff_a, inspector_record_a):
    response = api_client_for(staff_a).post(
        BASE + "recusals/declare/",
        {"inspector": inspector_record_a.pk, "object_code": "NOPE", "reason": "relative"},
        format="json",
    )
    assert response.status_code == 400


def test_recusal_list_query_count(
    api_client_for, staff_a, department_a, django_assert_max_num_queries
):
    for _ in range(15):
        make_recusal(
            make_inspector(department_a),
            make_object(),
            declared_by=staff_a,
            status=RecusalStatus.CONFIRMED,
        )
    with django_assert_max_num_queries(6):
        response = api_client_for(staff_a).get(BASE + "recusals/")
    assert response.json()["count"] == 15
    assert Recusal.objects.count() == 15


def test_rules_api(api_client_for, office_admin, staff_a):
    response = api_client_for(office_admin).post(
        BASE + "recusal-rules/own_region/", {"is_active": True}, format="json"
    )
    assert response.json() == {
        "kind": "own_region",
        "label": "不得检查本人所在行政区划的对象",
        "is_active": True,
        "note": "",
    }
    rules = api_client_for(staff_a).get(BASE + "recusal-rules/").json()
    assert {rule["kind"]: rule["is_active"] for rule in rules} == {
        "own_grid": False,
        "own_region": True,
    }
    assert (
        api_client_for(office_admin)
        .post(BASE + "recusal-rules/nope/", {"is_active": True}, format="json")
        .status_code
        == 404
    )


def test_openapi_schema_of_these_endpoints_has_no_warnings(db):
    from django.urls import include, path

    patterns = [path("api/v1/registries/inspectors/", include("registries.inspectors.api.urls"))]
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache, dict(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._error_cache)
    assert "/api/v1/registries/inspectors/recusals/{recusal_id}/confirm/" in schema["paths"]
    assert len(schema["paths"]) == 21


@pytest.mark.parametrize("expert_status", ["active"])
def test_expert_detail_api(api_client_for, staff_a, expert_status):
    expert = make_expert(status=expert_status)
    assert api_client_for(staff_a).get(BASE + f"experts/{expert.pk}/").json()["code"] == expert.code
