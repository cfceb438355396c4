BASE = "/api/v1/catalog/proposals/"


def test_submit_accept_and_reject(api_client_for, staff_a, staff_b, office_admin, matter):
    staff = api_client_for(staff_a)
    response = staff.post(
        f"{BASE}submit/",
        {
            "kind": "change",
            "matter": matter.pk,
            "payload": {"object_type": "个体工商户"},
            "reason": "扩大范围",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["department"] == "DEPA" and change["matter_code"] == matter.code
    response = staff.post(
        f"{BASE}submit/",
        {"kind": "add", "payload": {"name": "新事项"}, "reason": "新规"},
        format="json",
    )
    add = response.json()
    # staff of another department does not see them
    assert api_client_for(staff_b).get(BASE).json()["count"] == 0
    assert staff.get(BASE).json()["count"] == 2
    office = api_client_for(office_admin)
    assert office.get(f"{BASE}?status=pending").json()["count"] == 2
    # accept the change; reject the addition (a reason is required)
    assert (
        office.post(
            f"{BASE}{change['id']}/accept/", {"decision_reason": "同意"}, format="json"
        ).json()["status"]
        == "accepted"
    )
    matter.refresh_from_db()
    assert matter.object_type == "个体工商户"
    assert (
        office.post(
            f"{BASE}{add['id']}/reject/", {"decision_reason": ""}, format="json"
        ).status_code
        == 400
    )
    assert (
        office.post(
            f"{BASE}{add['id']}/reject/", {"decision_reason": "已有同类事项"}, format="json"
        ).json()["status"]
        == "rejected"
    )
    # decided proposals cannot be decided again
    assert office.post(f"{BASE}{add['id']}/accept/", {}, format="json").status_code == 400


def test_submit_for_a_missing_matter_is_404(api_client_for, staff_a):
    response = api_client_for(staff_a).post(
        f"{BASE}submit/", {"kind": "retire", "matter": 999999, "reason": "x"}, format="json"
    )
    assert response.status_code == 404
