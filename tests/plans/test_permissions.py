"""The permission matrix over every plans page and API endpoint.

Office admins open, compile, approve and publish; a department's liaison and staff draft their own
department's items and only the liaison submits; a department admin (accounts only) reads; another
department gets the same 404 as for a missing object; anonymous users reach only the public pages.
"""

import pytest

from plans import services
from tests.plans.conftest import item_kwargs

A, H, L = "allowed", "hidden", "login"
ACTORS = ["office_admin", "dept_admin_a", "liaison_a", "staff_a", "staff_b", "anonymous"]


def row(office_admin, dept_admin_a, liaison_a, staff_a, staff_b, anonymous):
    return dict(
        office_admin=office_admin,
        dept_admin_a=dept_admin_a,
        liaison_a=liaison_a,
        staff_a=staff_a,
        staff_b=staff_b,
        anonymous=anonymous,
    )


SIGNED_IN = row(A, A, A, A, A, L)
OFFICE = row(A, H, H, H, H, L)
PUBLIC = row(A, A, A, A, A, A)
OWN_DEPT_READ = row(A, A, A, A, H, L)
OWN_DEPT_EDIT = row(A, H, A, A, H, L)
DRAFTERS = row(A, H, A, A, A, L)

PAGES = {
    "year_list": ("get", "/plans/", SIGNED_IN),
    "year_open": ("get", "/plans/open/", OFFICE),
    "year_detail": ("get", "/plans/2028/", SIGNED_IN),
    "item_create": ("get", "/plans/2028/items/new/", DRAFTERS),
    "item_estimate": ("post", "/plans/2028/items/estimate/", DRAFTERS),
    "item_detail": ("get", "/plans/items/{item}/", OWN_DEPT_READ),
    "item_edit": ("get", "/plans/items/{item}/edit/", OWN_DEPT_EDIT),
    "item_delete": ("post", "/plans/items/{item}/delete/", OWN_DEPT_EDIT),
    "approved_item_detail": ("get", "/plans/items/{approved_item}/", SIGNED_IN),
    "department_submit": ("post", "/plans/2028/submit/", row(H, H, A, H, H, L)),
    "submission_detail": ("get", "/plans/2028/departments/{dept}/", OWN_DEPT_READ),
    "department_return": ("post", "/plans/2028/departments/{dept}/return/", OFFICE),
    "compilation": ("get", "/plans/2028/compilation/", OFFICE),
    "year_compile": ("post", "/plans/2028/compile/", OFFICE),
    "propose_merges": ("post", "/plans/2028/merges/propose/", OFFICE),
    "submit_for_approval": ("post", "/plans/2028/submit-for-approval/", OFFICE),
    "year_approve": ("post", "/plans/2028/approve/", OFFICE),
    "year_return": ("post", "/plans/2028/return/", OFFICE),
    "year_publish": ("post", "/plans/2028/publish/", OFFICE),
    "year_adjust": ("get", "/plans/2027/adjust/", OFFICE),
    "merge_edit": ("get", "/plans/merges/{proposal}/edit/", OFFICE),
    "merge_accept": ("post", "/plans/merges/{proposal}/accept/", OFFICE),
    "merge_reject": ("post", "/plans/merges/{proposal}/reject/", OFFICE),
    "version_detail": ("get", "/plans/2027/versions/1/", SIGNED_IN),
    "version_xlsx": ("get", "/plans/2027/versions/1/plan.xlsx", SIGNED_IN),
    "draft_version_detail": ("get", "/plans/2028/versions/1/", OFFICE),
    "peak_season_list": ("get", "/plans/peak-seasons/", SIGNED_IN),
    "peak_season_create": ("get", "/plans/peak-seasons/new/", OFFICE),
    "peak_season_edit": ("get", "/plans/peak-seasons/{season}/edit/", OFFICE),
    "peak_season_delete": ("post", "/plans/peak-seasons/{season}/delete/", OFFICE),
    "public_list": ("get", "/plans/public/", PUBLIC),
    "public_detail": ("get", "/plans/public/2027/", PUBLIC),
    "public_version": ("get", "/plans/public/2027/v1/", PUBLIC),
    "public_xlsx": ("get", "/plans/public/2027/plan.xlsx", PUBLIC),
}  # fmt: skip


@pytest.fixture
def world(published_plan, office_admin, liaison_a, department_a, general_matter):
    """2027 published (v1); 2028 compiling-ready: open, with one draft item of department A."""
    from plans.models import PeakSeason, PlanVersion

    next_year = services.plan_year_open(year=2028, opened_by=office_admin)
    item = services.plan_item_create(
        plan_year=next_year,
        department=department_a,
        created_by=liaison_a,
        **item_kwargs([general_matter]),
    )
    PlanVersion.objects.create(
        plan_year=next_year, number=1, created_by=office_admin, created_at=next_year.opened_at
    )
    season = PeakSeason.objects.create(industry_prefix="C13", months=[9, 10], note="秋收")
    return {
        "item": item.pk,
        "approved_item": published_plan.items.first().pk,
        "dept": department_a.pk,
        "proposal": published_plan.merge_proposals.first().pk,
        "season": season.pk,
    }


ESTIMATE = {
    "ratio_A": "1",
    "ratio_B": "3",
    "ratio_C": "5",
    "ratio_D": "5",
    "window_start_month": "4",
    "window_end_month": "6",
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_plan_pages_permission_matrix(
    request, client_for, world, page, actor, dept_admin_a, liaison_a, staff_a, staff_b
):
    method, url, expected = PAGES[page]
    client = client_for(request.getfixturevalue(actor))
    data = ESTIMATE if page == "item_estimate" else {"reason": "测试", "comment": "测试"}
    response = getattr(client, method)(url.format(**world), data if method == "post" else None)
    outcome = expected[actor]
    if outcome == A:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif outcome == H:
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_pdf_download_is_open_to_signed_in_users_and_the_public(client_for, world, staff_b):
    assert (
        client_for(staff_b).get("/plans/2027/versions/1/plan.pdf")["Content-Type"]
        == "application/pdf"
    )
    assert client_for(None).get("/plans/public/2027/plan.pdf")["Content-Type"] == "application/pdf"
    assert client_for(None).get("/plans/2027/versions/1/plan.pdf").status_code == 302


API = {
    "year_list": ("get", "/api/v1/plans/years/", None, row(200, 200, 200, 200, 200, 403)),
    "year_open": ("post", "/api/v1/plans/years/open/", {"year": 2029}, row(201, 403, 403, 403, 403, 403)),
    "year_detail": ("get", "/api/v1/plans/years/2028/", None, row(200, 200, 200, 200, 200, 403)),
    "item_list": ("get", "/api/v1/plans/years/2028/items/", None, row(200, 200, 200, 200, 200, 403)),
    "item_create": ("post", "/api/v1/plans/years/2028/items/create/", "ITEM", row(201, 403, 201, 201, 201, 403)),
    "item_estimate": ("post", "/api/v1/plans/years/2028/items/estimate/", {"scope": {"industry_prefixes": ["C13"]}, "ratios": {"A": 100}}, row(200, 403, 200, 200, 200, 403)),
    "item_detail": ("get", "/api/v1/plans/items/{item}/", None, row(200, 200, 200, 200, 404, 403)),
    "item_update": ("post", "/api/v1/plans/items/{item}/update/", "ITEM", row(200, 403, 200, 200, 404, 403)),
    "item_delete": ("post", "/api/v1/plans/items/{item}/delete/", None, row(200, 403, 200, 200, 404, 403)),
    "submission_list": ("get", "/api/v1/plans/years/2028/submissions/", None, row(200, 200, 200, 200, 200, 403)),
    "department_submit": ("post", "/api/v1/plans/years/2028/submit/", None, row(403, 403, 200, 403, 403, 403)),
    "department_return": ("post", "/api/v1/plans/years/2028/departments/{dept}/return/", {"reason": "补充"}, row(400, 403, 403, 403, 403, 403)),
    "compile": ("post", "/api/v1/plans/years/2028/compile/", None, row(200, 403, 403, 403, 403, 403)),
    "indicators": ("get", "/api/v1/plans/years/2028/indicators/", None, row(200, 403, 403, 403, 403, 403)),
    "merge_list": ("get", "/api/v1/plans/years/2027/merges/", None, row(200, 403, 403, 403, 403, 403)),
    "propose_merges": ("post", "/api/v1/plans/years/2028/merges/propose/", None, row(400, 403, 403, 403, 403, 403)),
    "merge_accept": ("post", "/api/v1/plans/merges/{proposal}/accept/", {}, row(400, 403, 403, 403, 403, 403)),
    "merge_reject": ("post", "/api/v1/plans/merges/{proposal}/reject/", {}, row(400, 403, 403, 403, 403, 403)),
    "submit_for_approval": ("post", "/api/v1/plans/years/2028/submit-for-approval/", None, row(400, 403, 403, 403, 403, 403)),
    "approve": ("post", "/api/v1/plans/years/2028/approve/", {}, row(400, 403, 403, 403, 403, 403)),
    "return": ("post", "/api/v1/plans/years/2028/return/", {"comment": "x"}, row(400, 403, 403, 403, 403, 403)),
    "publish": ("post", "/api/v1/plans/years/2028/publish/", None, row(400, 403, 403, 403, 403, 403)),
    "adjust": ("post", "/api/v1/plans/years/2027/adjust/", {"reason": "调整"}, row(200, 403, 403, 403, 403, 403)),
    "version_list": ("get", "/api/v1/plans/years/2027/versions/", None, row(200, 200, 200, 200, 200, 403)),
    "version_detail": ("get", "/api/v1/plans/years/2027/versions/1/", None, row(200, 200, 200, 200, 200, 403)),
    "draft_version_detail": ("get", "/api/v1/plans/years/2028/versions/1/", None, row(200, 404, 404, 404, 404, 403)),
    "public_list": ("get", "/api/v1/plans/public/", None, row(200, 200, 200, 200, 200, 200)),
    "public_detail": ("get", "/api/v1/plans/public/2027/", None, row(200, 200, 200, 200, 200, 200)),
    "public_detail_unpublished": ("get", "/api/v1/plans/public/2028/", None, row(404, 404, 404, 404, 404, 404)),
    "peak_season_list": ("get", "/api/v1/plans/peak-seasons/", None, row(200, 200, 200, 200, 200, 403)),
    "peak_season_create": ("post", "/api/v1/plans/peak-seasons/create/", {"industry_prefix": "E", "months": [3, 4]}, row(201, 403, 403, 403, 403, 403)),
    "peak_season_update": ("post", "/api/v1/plans/peak-seasons/{season}/update/", {"industry_prefix": "E", "months": [3]}, row(200, 403, 403, 403, 403, 403)),
    "peak_season_delete": ("post", "/api/v1/plans/peak-seasons/{season}/delete/", None, row(204, 403, 403, 403, 403, 403)),
}  # fmt: skip

ITEM = {
    "title": "API 事项", "matters": ["G001"], "scope": {"industry_prefixes": ["C13"]}, "directed": True,
    "ratios": {"A": 100, "B": 200, "C": 300, "D": 500}, "window_start_month": 3, "window_end_month": 5,
}  # fmt: skip


@pytest.mark.parametrize("endpoint", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_plan_api_permission_matrix(
    request, api_client_for, world, endpoint, actor, dept_admin_a, liaison_a, staff_a, staff_b
):
    method, url, payload, expected = API[endpoint]
    client = api_client_for(request.getfixturevalue(actor))
    payload = (
        ITEM
        | ({"department": "DEPA"} if actor == "office_admin" and endpoint == "item_create" else {})
        if payload == "ITEM"
        else payload
    )
    response = getattr(client, method)(url.format(**world), payload, format="json")
    assert response.status_code == expected[actor], response.content[:300]
