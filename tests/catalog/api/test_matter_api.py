"""The matter endpoints: list/detail, create, update, retire, check points, revisions."""

from catalog.models import Matter

BASE = "/api/v1/catalog/matters/"


def test_create_update_retire_and_history(api_client_for, office_admin, department_a):
    client = api_client_for(office_admin)
    # create
    response = client.post(
        f"{BASE}create/",
        {
            "code": "API-1",
            "name": "明码标价检查",
            "methods": ["on_site"],
            "implementing_departments": ["DEPA"],
            "reason": "新增",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ratio_cap_bp"] == 500 and body["implementing_departments"] == ["DEPA"]
    matter_id = body["id"]
    # update
    response = client.post(
        f"{BASE}{matter_id}/update/",
        {"category": "key", "ratio_cap_bp": None, "is_common": True},
        format="json",
    )
    assert response.json()["revision"] == 2 and response.json()["is_common"] is True
    # check points
    response = client.post(
        f"{BASE}{matter_id}/check-points/",
        {
            "check_points": [
                {"text": "是否明码标价", "method": "on_site"},
                {"text": "是否价格欺诈", "allowed_answers": ["是", "否"]},
            ]
        },
        format="json",
    )
    assert [p["position"] for p in response.json()["check_points"]] == [1, 2]
    assert response.json()["check_points"][0]["allowed_answers"] == ["符合", "不符合", "不涉及"]
    # retire
    response = client.post(f"{BASE}{matter_id}/retire/", {"reason": "合并"}, format="json")
    assert response.json()["status"] == "retired"
    # history
    revisions = client.get(f"{BASE}{matter_id}/revisions/").json()["results"]
    assert [r["action"] for r in revisions] == ["retire", "check_points", "update", "create"]
    assert revisions[2]["changes"]["category"] == ["general", "key"]


def test_validation_errors_are_400_with_chinese_messages(api_client_for, office_admin, matter):
    client = api_client_for(office_admin)
    response = client.post(f"{BASE}create/", {"code": matter.code, "name": "重复"}, format="json")
    assert response.status_code == 400
    response = client.post(
        f"{BASE}{matter.pk}/update/", {"implementing_departments": ["NOPE"]}, format="json"
    )
    assert response.status_code == 400 and "未知部门" in response.content.decode()
    response = client.post(f"{BASE}{matter.pk}/retire/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = client.post(
        f"{BASE}{matter.pk}/check-points/",
        {"check_points": [{"text": "x", "allowed_answers": ["一"]}]},
        format="json",
    )
    assert response.status_code == 400 and "至少需要两个可选结论" in response.content.decode()


def test_detail_and_missing(api_client_for, staff_b, matter):
    client = api_client_for(staff_b)
    assert client.get(f"{BASE}{matter.pk}/").json()["code"] == matter.code
    assert client.get(f"{BASE}999999/").status_code == 404
    assert Matter.objects.count() == 1
