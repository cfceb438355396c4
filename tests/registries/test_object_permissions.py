# ruff: noqa: F811  (pytest fixtures imported from another module)
"""The permission matrix of every page and API endpoint of the inspection-object registry.

The office sees and edits every object; a department sees and edits the objects it supervises
(claimed, not merely disputed); another department gets the same 404 as for a missing object;
readers (inspectors) of the supervising department read but do not edit; anonymous users are sent
to the login page (pages) or refused (API).
"""

import pytest
from django.utils import timezone

from registries.models import ObjectSupervision
from tests.registries.object_factories import make_object, new_uscc, object_a  # noqa: F401

OK, HIDDEN, LOGIN = "ok", "hidden", "login"
ACTORS = ["office_admin", "dept_admin_a", "staff_a", "staff_b", "inspector_a", "anonymous"]


def _expect(office_admin=OK, dept_admin_a=OK, staff_a=OK, staff_b=HIDDEN, inspector_a=OK):
    return dict(
        office_admin=office_admin,
        dept_admin_a=dept_admin_a,
        staff_a=staff_a,
        staff_b=staff_b,
        inspector_a=inspector_a,
        anonymous=LOGIN,
    )


READ = _expect()
EDIT = _expect(inspector_a=HIDDEN)
ANY_MEMBER = _expect(staff_b=OK)
ANY_EDITOR = _expect(staff_b=OK, inspector_a=HIDDEN)
DEPARTMENT_EDITOR = _expect(office_admin=HIDDEN, staff_b=OK, inspector_a=HIDDEN)
OFFICE = _expect(dept_admin_a=HIDDEN, staff_a=HIDDEN, inspector_a=HIDDEN)

# operation -> (method, url template, payload, expectations)
PAGES = {
    "list": ("get", "/registries/objects/", None, ANY_MEMBER),
    "export_csv": ("get", "/registries/objects/?export=csv", None, ANY_MEMBER),
    "detail": ("get", "/registries/objects/{object}/", None, READ),
    "create_form": ("get", "/registries/objects/new/", None, ANY_EDITOR),
    "edit_form": ("get", "/registries/objects/{object}/edit/", None, EDIT),
    "edit": ("post", "/registries/objects/{object}/edit/", "edit", EDIT),
    "flag_set": ("post", "/registries/objects/{object}/flags/set/", "flag_set", EDIT),
    "flag_clear": ("post", "/registries/objects/{object}/flags/clear/", "flag_clear", EDIT),
    "release": ("post", "/registries/objects/{object}/release/", "release", EDIT),
    "claim_page": ("get", "/registries/objects/claim/", None, DEPARTMENT_EDITOR),
    "claim": ("post", "/registries/objects/claim/", "claim", DEPARTMENT_EDITOR),
    "disputes": ("get", "/registries/objects/disputes/", None, OFFICE),
    "resolve": ("post", "/registries/objects/disputes/{dispute}/resolve/", "resolve", OFFICE),
}
API = {
    "list": ("get", "/api/v1/registries/objects/", None, ANY_MEMBER),
    "export": ("get", "/api/v1/registries/objects/export/csv/", None, ANY_MEMBER),
    "detail": ("get", "/api/v1/registries/objects/{object}/", None, READ),
    "history": ("get", "/api/v1/registries/objects/{object}/history/", None, READ),
    "create": ("post", "/api/v1/registries/objects/create/", "create", ANY_EDITOR),
    "update": ("post", "/api/v1/registries/objects/{object}/update/", "api_update", EDIT),
    "flag_set": ("post", "/api/v1/registries/objects/{object}/flags/set/", "api_flag_set", EDIT),
    "flag_clear": (
        "post",
        "/api/v1/registries/objects/{object}/flags/clear/",
        "api_flag_clear",
        EDIT,
    ),
    "release": ("post", "/api/v1/registries/objects/{object}/release/", "release", EDIT),
    "claim": ("post", "/api/v1/registries/objects/claim/", "claim", DEPARTMENT_EDITOR),
    "disputes": ("get", "/api/v1/registries/objects/disputes/", None, OFFICE),
    "resolve": (
        "post",
        "/api/v1/registries/objects/disputes/{dispute}/resolve/",
        "resolve",
        OFFICE,
    ),
    "uscc_validate": ("post", "/api/v1/registries/uscc/validate/", "uscc", ANY_MEMBER),
}


@pytest.fixture
def setting(department_a, department_b, object_a):
    object_a.anomaly_since = timezone.localdate()
    object_a.anomaly_source = "x"
    object_a.save()
    contested = make_object(departments=[department_a], disputed=[department_b])
    dispute = contested.supervisions.get(status=ObjectSupervision.Status.DISPUTED)
    unclaimed = make_object()
    today = timezone.localdate().isoformat()
    payloads = {
        "edit": {
            "kind": "enterprise",
            "code": object_a.code,
            "name": "改名后的公司",
            "region_code": "330106",
            "risk_class": "B",
            "status": "active",
        },
        "flag_set": {"flag": "penalised", "since": today, "source": "处罚决定书"},
        "flag_clear": {"flag": "anomaly", "reason": "已补报"},
        "release": {"department": department_a.pk, "reason": "测试"},
        "claim": {"codes": unclaimed.code},
        "resolve": {"decision": "keep"},
        "create": {
            "kind": "enterprise",
            "code": new_uscc(),
            "name": "临江市新建有限公司",
            "region_code": "330106",
        },
        "api_update": {"risk_class": "C"},
        "api_flag_set": {"special_list": "penalised", "since": today, "source": "处罚决定书"},
        "api_flag_clear": {"special_list": "anomaly", "reason": "已补报"},
        "uscc": {"codes": [object_a.code]},
    }
    return {"object": object_a.pk, "dispute": dispute.pk, "payloads": payloads}


def _call(client, method, url, payload, setting, *, api):
    url = url.format(**setting)
    data = setting["payloads"][payload] if payload else None
    if payload == "claim" and api:
        data = {"codes": [data["codes"]]}
    if payload == "release" and api:
        data = {"department": "DEPA", "reason": "测试"}
    if api:
        return (
            getattr(client, method)(url, data, format="json")
            if data
            else getattr(client, method)(url)
        )
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("operation", sorted(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_object_pages_permission_matrix(request, client_for, setting, operation, actor):
    # given
    method, url, payload, expectations = PAGES[operation]
    client = client_for(request.getfixturevalue(actor))
    # when
    response = _call(client, method, url, payload, setting, api=False)
    # then
    expected = expectations[actor]
    if expected == OK:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif expected == HIDDEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("operation", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_object_api_permission_matrix(request, api_client_for, setting, operation, actor):
    method, url, payload, expectations = API[operation]
    client = api_client_for(request.getfixturevalue(actor))
    response = _call(client, method, url, payload, setting, api=True)
    expected = expectations[actor]
    if expected == OK:
        assert response.status_code in (200, 201, 204), getattr(
            response, "data", response.status_code
        )
    elif expected == HIDDEN:
        assert response.status_code in (403, 404)
        if "{object}" in url:
            assert response.status_code == 404  # same answer as for a missing object
    else:
        assert response.status_code in (401, 403)


@pytest.mark.parametrize("api", [False, True])
def test_missing_and_foreign_objects_look_the_same(
    client_for, api_client_for, staff_b, object_a, api
):
    client = api_client_for(staff_b) if api else client_for(staff_b)
    prefix = "/api/v1/registries" if api else "/registries"
    foreign = client.get(f"{prefix}/objects/{object_a.pk}/")
    missing = client.get(f"{prefix}/objects/999999/")
    assert foreign.status_code == missing.status_code == 404
