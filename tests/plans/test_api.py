"""The whole flow through the API, and the OpenAPI schema without warnings."""


def test_the_flow_through_the_api(
    api_client_for, office_admin, liaison_a, department_a, general_matter, objects
):
    office, liaison = api_client_for(office_admin), api_client_for(liaison_a)
    assert (
        office.post("/api/v1/plans/years/open/", {"year": 2027}, format="json").status_code == 201
    )
    estimate = liaison.post(
        "/api/v1/plans/years/2027/items/estimate/",
        {
            "matters": ["G001"],
            "scope": {"industry_prefixes": ["C13"]},
            "ratios": {"A": 100, "B": 300, "C": 500, "D": 900},
        },
        format="json",
    ).json()
    assert (estimate["total"], estimate["must"], estimate["cap_bp"], estimate["over_cap"]) == (
        20,
        1,
        500,
        ["D"],
    )
    item = {
        "title": "食品",
        "matters": ["G001"],
        "scope": {"industry_prefixes": ["C13"]},
        "directed": True,
        "ratios": {"A": 100, "B": 300, "C": 500, "D": 900},
        "window_start_month": 3,
        "window_end_month": 5,
    }
    refused = liaison.post("/api/v1/plans/years/2027/items/create/", item, format="json")
    assert refused.status_code == 400 and "ratios" in refused.json()
    item["ratios"]["D"] = 500
    created = liaison.post("/api/v1/plans/years/2027/items/create/", item, format="json").json()
    assert created["department"]["code"] == "DEPA" and created["cap_bp"] == 500
    assert liaison.post("/api/v1/plans/years/2027/submit/").json()["status"] == "submitted"
    assert office.post("/api/v1/plans/years/2027/compile/").json()["status"] == "compiling"
    indicators = office.get("/api/v1/plans/years/2027/indicators/").json()
    assert indicators["overall"]["items"] == 1
    assert (
        office.post("/api/v1/plans/years/2027/submit-for-approval/").json()["status"] == "pending"
    )
    approved = office.post(
        "/api/v1/plans/years/2027/approve/", {"comment": "同意"}, format="json"
    ).json()
    assert approved["number"] == 1 and len(approved["audit_hash"]) == 64
    assert office.post("/api/v1/plans/years/2027/publish/").json()["published_at"]
    public = api_client_for(None).get("/api/v1/plans/public/2027/").json()
    assert public["current"]["snapshot"]["items"][0]["title"] == "食品"
    assert [entry["number"] for entry in public["history"]] == [1]


def test_item_list_api_filters_and_counts_queries(
    api_client_for,
    plan_year,
    liaison_a,
    department_a,
    general_matter,
    make_item,
    django_assert_max_num_queries,
):
    for index in range(5):
        make_item(plan_year, department_a, liaison_a, [general_matter], title=f"事项{index}")
    client = api_client_for(liaison_a)
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/plans/years/2027/items/").json()
    assert body["count"] == 5
    assert client.get("/api/v1/plans/years/2027/items/?q=事项3").json()["count"] == 1


def test_notifications_are_only_their_recipients(
    api_client_for, client_for, published_plan, office_admin, liaison_a, staff_a
):
    from plans import services

    services.plan_year_open(year=2028, opened_by=office_admin)  # notifies every liaison
    notification = liaison_a.notifications.first()
    assert api_client_for(staff_a).post(f"/api/v1/inbox/{notification.pk}/read/").status_code == 404
    assert client_for(staff_a).post(f"/inbox/{notification.pk}/read/").status_code == 404
    response = api_client_for(liaison_a).post(f"/api/v1/inbox/{notification.pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
