"""Endpoint tests of the object registry API."""

import pytest
from django.utils import timezone

from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.uscc import make_uscc
from tests.registries.object_factories import make_object, new_uscc, object_a, object_b  # noqa: F401

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registries"


def test_list_filters_and_paginates_with_a_capped_count(
    api_client_for, office_admin, department_a, django_assert_max_num_queries
):
    for index in range(25):
        make_object(
            departments=[department_a], name=f"临江市分页{index}餐饮有限公司", risk_class="C"
        )
    make_object(name="临江市别的有限公司")
    client = api_client_for(office_admin)
    with django_assert_max_num_queries(8):
        response = client.get(
            f"{BASE}/objects/", {"name": "分页", "risk_class": "C", "page_size": 10}
        )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    assert body["count_capped"] is False
    assert len(body["results"]) == 10
    assert body["next"]
    first = body["results"][0]
    assert first["supervising_departments"] == ["DEPA"]
    assert first["special_lists"] == []


def test_list_rejects_invalid_filters(api_client_for, office_admin):
    assert api_client_for(office_admin).get(f"{BASE}/objects/", {"flag": "nope"}).status_code == 400


def test_department_list_shows_only_supervised_objects(api_client_for, staff_a, object_a, object_b):  # noqa: F811
    body = api_client_for(staff_a).get(f"{BASE}/objects/").json()
    assert [row["code"] for row in body["results"]] == [object_a.code]


def test_detail_shows_flags_and_supervisions(api_client_for, staff_a, object_a, department_b):  # noqa: F811
    object_a.anomaly_since = timezone.localdate()
    object_a.anomaly_source = "临江市西湖区市场监督管理局"
    object_a.save()
    ObjectSupervision.objects.create(
        inspection_object=object_a, department=department_b, status="disputed"
    )
    body = api_client_for(staff_a).get(f"{BASE}/objects/{object_a.pk}/").json()
    assert body["special_lists"] == ["anomaly"]
    assert body["anomaly_source"] == "临江市西湖区市场监督管理局"
    assert {(row["department"], row["claim_status"]) for row in body["supervisions"]} == {
        ("DEPA", "claimed"),
        ("DEPB", "disputed"),
    }


def test_create_validates_the_check_character(api_client_for, staff_a):
    code = make_uscc("91330106MA2B7C4D0")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    client = api_client_for(staff_a)
    payload = {"kind": "enterprise", "name": "临江市新建有限公司", "region_code": "330106"}
    response = client.post(f"{BASE}/objects/create/", {**payload, "code": wrong}, format="json")
    assert response.status_code == 400
    assert f"第18位应为“{code[17]}”" in response.json()["code"][0]
    response = client.post(f"{BASE}/objects/create/", {**payload, "code": code}, format="json")
    assert response.status_code == 201
    assert response.json()["supervisions"][0]["department"] == "DEPA"


def test_office_create_names_departments(api_client_for, office_admin, department_a):
    payload = {
        "kind": "product", "code": "CP-0001", "name": "恒达牌电动自行车", "region_code": "330106",
        "supervising_departments": ["depa"],
    }  # fmt: skip
    response = api_client_for(office_admin).post(f"{BASE}/objects/create/", payload, format="json")
    assert response.status_code == 201, response.json()
    bad = {**payload, "code": "CP-0002", "supervising_departments": ["NOPE"]}
    assert (
        api_client_for(office_admin).post(f"{BASE}/objects/create/", bad, format="json").status_code
        == 400
    )


def test_update_and_history(api_client_for, staff_a, object_a):  # noqa: F811
    client = api_client_for(staff_a)
    response = client.post(
        f"{BASE}/objects/{object_a.pk}/update/", {"status": "moved_out"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "moved_out"
    history = client.get(f"{BASE}/objects/{object_a.pk}/history/").json()
    assert history["results"][0]["changes"] == {"status": ["active", "moved_out"]}
    assert history["results"][0]["changed_by"] == "staff_a"
    assert history["results"][0]["source"] == "api"


def test_flags_set_and_clear(api_client_for, staff_a, object_a):  # noqa: F811
    client = api_client_for(staff_a)
    today = timezone.localdate().isoformat()
    payload = {
        "special_list": "serious_violation",
        "since": today,
        "source": "临江市市场监督管理局",
    }
    response = client.post(f"{BASE}/objects/{object_a.pk}/flags/set/", payload, format="json")
    assert response.json()["special_lists"] == ["serious_violation"]
    response = client.post(
        f"{BASE}/objects/{object_a.pk}/flags/clear/",
        {"special_list": "serious_violation", "reason": "信用修复"},
        format="json",
    )
    assert response.json()["special_lists"] == []
    response = client.post(
        f"{BASE}/objects/{object_a.pk}/flags/clear/",
        {"special_list": "anomaly", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400


def test_claim_by_codes_reports_each_outcome(api_client_for, staff_b, object_a):  # noqa: F811
    unclaimed = make_object()
    codes = [unclaimed.code, object_a.code.lower(), "91330106MA2B7C4D0X"]
    body = (
        api_client_for(staff_b)
        .post(f"{BASE}/objects/claim/", {"codes": codes}, format="json")
        .json()
    )
    assert [row["outcome"] for row in body] == ["claimed", "disputed", "not_found"]
    again = (
        api_client_for(staff_b)
        .post(f"{BASE}/objects/claim/", {"codes": [unclaimed.code]}, format="json")
        .json()
    )
    assert again[0]["outcome"] == "error"
    assert "已认领" in again[0]["message"]


def test_office_resolves_disputes(api_client_for, office_admin, staff_b, object_a):  # noqa: F811
    api_client_for(staff_b).post(
        f"{BASE}/objects/claim/", {"codes": [object_a.code]}, format="json"
    )
    client = api_client_for(office_admin)
    disputes = client.get(f"{BASE}/objects/disputes/").json()["results"]
    assert disputes[0]["department"] == "DEPB"
    assert disputes[0]["settled_departments"] == ["DEPA"]
    response = client.post(
        f"{BASE}/objects/disputes/{disputes[0]['id']}/resolve/", {"decision": "keep"}, format="json"
    )
    assert response.json() == {"decision": "keep", "kept": True}
    assert api_client_for(staff_b).get(f"{BASE}/objects/{object_a.pk}/").status_code == 200
    response = client.post(
        f"{BASE}/objects/disputes/{disputes[0]['id']}/resolve/", {"decision": "keep"}, format="json"
    )
    assert response.status_code == 400


def test_release(api_client_for, staff_a, object_a):  # noqa: F811
    response = api_client_for(staff_a).post(
        f"{BASE}/objects/{object_a.pk}/release/", {"reason": "迁出"}, format="json"
    )
    assert response.status_code == 204
    assert not object_a.supervisions.exists()
    assert ObjectChange.objects.filter(inspection_object=object_a, source="release").exists()


def test_uscc_validation_endpoint(api_client_for, staff_a):
    code = make_uscc("91330106MA2B7C4D0")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    codes = [code.lower(), wrong, "9133", "91330106MA2B7C4DOX"]
    body = (
        api_client_for(staff_a)
        .post(f"{BASE}/uscc/validate/", {"codes": codes}, format="json")
        .json()
    )
    assert [row["valid"] for row in body] == [True, False, False, False]
    assert body[0]["code"] == code
    assert body[1]["reason"] == "check"
    assert body[1]["expected_check"] == code[17]
    assert f"应为“{code[17]}”" in body[1]["message"]
    assert body[2]["reason"] == "length"
    assert "实际为 4 位" in body[2]["message"]
    assert (body[3]["reason"], body[3]["position"], body[3]["character"]) == ("charset", 17, "O")


def test_schema_lists_the_object_endpoints(api_client_for, office_admin):
    response = api_client_for(office_admin).get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for path in (
        "/api/v1/registries/objects/",
        "/api/v1/registries/objects/{object_id}/update/",
        "/api/v1/registries/objects/export/{export_format}/",
        "/api/v1/registries/uscc/validate/",
    ):
        assert path in paths
    parameters = {
        parameter["name"] for parameter in paths["/api/v1/registries/objects/"]["get"]["parameters"]
    }
    assert {
        "name",
        "code",
        "region",
        "industry",
        "risk_class",
        "flag",
        "department",
        "licence",
    } <= parameters
    assert InspectionObject.objects.count() == 0
