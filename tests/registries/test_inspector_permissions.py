"""The permission matrix of every page and API endpoint of the inspector registry.

A department sees and edits only its own inspectors and their recusals (404 for another
department's, as for a missing one); the office sees everything; experts are read by every
department and edited by the office; recusals are decided by the department admin (or the office);
the automatic rules belong to the office. Anonymous users are sent to the login page (pages) or
refused (API).
"""
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

OK, HIDDEN, FORBIDDEN, LOGIN = "ok", "hidden", "forbidden", "login"
ACTORS = ["office_admin", "dept_admin_a", "staff_a", "staff_b", "inspector_a", "anonymous"]


def _row(office_admin, dept_admin_a, staff_a, staff_b, inspector_a):
    return dict(
        office_admin=office_admin,
        dept_admin_a=dept_admin_a,
        staff_a=staff_a,
        staff_b=staff_b,
        inspector_a=inspector_a,
        anonymous=LOGIN,
    )


EVERYONE = _row(OK, OK, OK, OK, OK)
OWN_DEPARTMENT = _row(OK, OK, OK, HIDDEN, OK)  # inspector_a is department A's inspector
OWN_EDITORS = _row(OK, OK, OK, HIDDEN, HIDDEN)
EDITORS = _row(OK, OK, OK, OK, HIDDEN)
OFFICE = _row(OK, HIDDEN, HIDDEN, HIDDEN, HIDDEN)
DECIDERS = _row(OK, OK, FORBIDDEN, HIDDEN, FORBIDDEN)
QUEUE = _row(OK, OK, HIDDEN, HIDDEN, HIDDEN)

# operation -> (method, url template, data, expected per actor)
PAGES = {
    "inspector_list": ("get", "/registries/inspectors/", None, EVERYONE),
    "inspector_export_csv": ("get", "/registries/inspectors/?format=csv", None, EVERYONE),
    "inspector_export_xlsx": ("get", "/registries/inspectors/?format=xlsx", None, EVERYONE),
    "inspector_create_form": ("get", "/registries/inspectors/new/", None, EDITORS),
    "inspector_create": ("post", "/registries/inspectors/new/", {"name": "新人", "max_load": 3, "department": "{dept_a}"}, _row(OK, OK, OK, OK, HIDDEN)),
    "inspector_detail": ("get", "/registries/inspectors/{insp}/", None, OWN_DEPARTMENT),
    "inspector_edit_form": ("get", "/registries/inspectors/{insp}/edit/", None, OWN_EDITORS),
    "inspector_edit": ("post", "/registries/inspectors/{insp}/edit/", {"name": "张三丰", "max_load": 2, "status": "active"}, OWN_EDITORS),
    "inspector_certificate_form": ("get", "/registries/inspectors/{insp}/certificate/", None, OWN_EDITORS),
    "inspector_certificate": ("post", "/registries/inspectors/{insp}/certificate/", {"certificate_number": "NEW-1", "certificate_valid_until": "2099-01-01"}, OWN_EDITORS),
    "inspector_import_form": ("get", "/registries/inspectors/import/", None, EDITORS),
    "inspector_import_template": ("get", "/registries/inspectors/import/?template=inspectors", None, EDITORS),
    "inspector_import_apply": ("post", "/registries/inspectors/import/apply/", {"token": "nope"}, EDITORS),
    "expert_list": ("get", "/registries/inspectors/experts/", None, EVERYONE),
    "expert_export": ("get", "/registries/inspectors/experts/?format=csv", None, EVERYONE),
    "expert_detail": ("get", "/registries/inspectors/experts/{expert}/", None, EVERYONE),
    "expert_create_form": ("get", "/registries/inspectors/experts/new/", None, OFFICE),
    "expert_create": ("post", "/registries/inspectors/experts/new/", {"name": "钱", "organisation": "院", "speciality": "食品", "status": "active", "max_load": 2}, OFFICE),
    "expert_edit_form": ("get", "/registries/inspectors/experts/{expert}/edit/", None, OFFICE),
    "expert_edit": ("post", "/registries/inspectors/experts/{expert}/edit/", {"name": "钱", "organisation": "院", "speciality": "药品", "status": "active", "max_load": 2}, OFFICE),
    "recusal_list": ("get", "/registries/inspectors/recusals/", None, EVERYONE),
    "recusal_export": ("get", "/registries/inspectors/recusals/?format=xlsx", None, EVERYONE),
    "recusal_declare_form": ("get", "/registries/inspectors/recusals/new/?q=商贸", None, EVERYONE),
    "recusal_declare": ("post", "/registries/inspectors/recusals/new/", {"inspector": "{insp}", "object_code": "{free_object}", "reason": "relative"}, OWN_DEPARTMENT),
    "recusal_detail": ("get", "/registries/inspectors/recusals/{recusal}/", None, OWN_DEPARTMENT),
    "recusal_queue": ("get", "/registries/inspectors/recusals/queue/", None, QUEUE),
    "recusal_confirm": ("post", "/registries/inspectors/recusals/{recusal}/confirm/", {"note": "属实"}, DECIDERS),
    "recusal_reject": ("post", "/registries/inspectors/recusals/{recusal}/reject/", {"note": "不属实"}, DECIDERS),
    "recusal_rules": ("get", "/registries/inspectors/recusal-rules/", None, OFFICE),
    "recusal_rules_set": ("post", "/registries/inspectors/recusal-rules/", {"kind": "own_grid", "is_active": "on"}, OFFICE),
}  # fmt: skip


@pytest.fixture
def world(department_a, inspector_record_a, inspector_record_b, object_a, staff_a):
    pending = make_recusal(
        inspector_record_a, object_a, declared_by=staff_a, status=RecusalStatus.DECLARED
    )
    free_object = make_object(name="临江市自由商贸有限公司")
    return {
        "dept_a": department_a.pk,
        "insp": inspector_record_a.pk,
        "expert": make_expert().pk,
        "recusal": pending.pk,
        "free_object": free_object.code,
    }


def _fill(value, world):
    return value.format(**world) if isinstance(value, str) else value


def _check(response, expected):
    if expected == OK:
        assert response.status_code in (200, 201, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif expected == HIDDEN:
        assert response.status_code == 404
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("operation", sorted(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_inspector_pages_permission_matrix(
    request, client_for, world, actor, operation, office_admin, dept_admin_a, staff_b, inspector_a
):
    # given
    method, url, data, expected = PAGES[operation]
    client = client_for(request.getfixturevalue(actor))
    # when
    payload = {key: _fill(value, world) for key, value in (data or {}).items()}
    response = getattr(client, method)(_fill(url, world), payload)
    # then
    _check(response, expected[actor])


API = {
    "inspector_list": ("get", "", None, _row(200, 200, 200, 200, 200)),
    "inspector_export": ("get", "export/?file_format=xlsx", None, _row(200, 200, 200, 200, 200)),
    "inspector_create": ("post", "create/", {"department": "DEPA", "name": "新人"}, _row(201, 201, 201, 403, 403)),
    "inspector_detail": ("get", "{insp}/", None, _row(200, 200, 200, 404, 200)),
    "inspector_update": ("post", "{insp}/update/", {"post": "科长"}, _row(200, 200, 200, 404, 404)),
    "inspector_certificate": ("post", "{insp}/certificate/", {"certificate_number": "N-9", "certificate_valid_until": "2099-01-01"}, _row(200, 200, 200, 404, 404)),
    "inspector_eligibility": ("get", "{insp}/eligibility/?start=2030-01-01&end=2030-01-05", None, _row(200, 200, 200, 404, 200)),
    "expert_list": ("get", "experts/", None, _row(200, 200, 200, 200, 200)),
    "expert_export": ("get", "experts/export/", None, _row(200, 200, 200, 200, 200)),
    "expert_detail": ("get", "experts/{expert}/", None, _row(200, 200, 200, 200, 200)),
    "expert_create": ("post", "experts/create/", {"name": "钱", "organisation": "院", "speciality": "食品"}, _row(201, 403, 403, 403, 403)),
    "expert_update": ("post", "experts/{expert}/update/", {"speciality": "药品"}, _row(200, 403, 403, 403, 403)),
    "recusal_list": ("get", "recusals/", None, _row(200, 200, 200, 200, 200)),
    "recusal_queue": ("get", "recusals/queue/", None, _row(200, 200, 403, 403, 403)),
    "recusal_declare": ("post", "recusals/declare/", {"inspector": "{insp}", "object_code": "{free_object}", "reason": "relative"}, _row(201, 201, 201, 404, 201)),
    "recusal_detail": ("get", "recusals/{recusal}/", None, _row(200, 200, 200, 404, 200)),
    "recusal_confirm": ("post", "recusals/{recusal}/confirm/", {}, _row(200, 200, 403, 404, 403)),
    "recusal_reject": ("post", "recusals/{recusal}/reject/", {"note": "不属实"}, _row(200, 200, 403, 404, 403)),
    "rule_list": ("get", "recusal-rules/", None, _row(200, 200, 200, 200, 200)),
    "rule_set": ("post", "recusal-rules/own_grid/", {"is_active": True}, _row(200, 403, 403, 403, 403)),
}  # fmt: skip


@pytest.mark.parametrize("operation", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_inspector_api_permission_matrix(
    request,
    api_client_for,
    world,
    actor,
    operation,
    office_admin,
    dept_admin_a,
    staff_b,
    inspector_a,
):
    method, url, data, expected = API[operation]
    client = api_client_for(request.getfixturevalue(actor))
    payload = {key: _fill(value, world) for key, value in (data or {}).items()}
    if "inspector" in payload:
        payload["inspector"] = int(payload["inspector"])
    response = getattr(client, method)(
        "/api/v1/registries/inspectors/" + _fill(url, world), payload, format="json"
    )
    wanted = 403 if actor == "anonymous" else expected[actor]
    assert response.status_code == wanted, response.content[:300]


@pytest.mark.parametrize("actor", ACTORS)
def test_import_api_permission_matrix(
    request, api_client_for, actor, department_a, office_admin, dept_admin_a, staff_b, inspector_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "people.csv", "姓名,部门代码\n王五,DEPA\n".encode(), content_type="text/csv"
    )
    client = api_client_for(request.getfixturevalue(actor))
    response = client.post(
        "/api/v1/registries/inspectors/import/", {"file": upload}, format="multipart"
    )
    expected = {
        "office_admin": 200,
        "dept_admin_a": 200,
        "staff_a": 200,
        "staff_b": 200,
        "inspector_a": 403,
        "anonymous": 403,
    }
    assert response.status_code == expected[actor], response.content[:300]
    if actor == "staff_b":
        assert response.json()["ok"] is False  # department B cannot import into department A


def test_missing_and_foreign_inspectors_look_the_same(
    client_for, api_client_for, staff_b, inspector_record_a
):
    pages = client_for(staff_b)
    assert pages.get(f"/registries/inspectors/{inspector_record_a.pk}/").status_code == 404
    assert pages.get("/registries/inspectors/999999/").status_code == 404
    api = api_client_for(staff_b)
    assert api.get(f"/api/v1/registries/inspectors/{inspector_record_a.pk}/").status_code == 404
    assert api.get("/api/v1/registries/inspectors/999999/").status_code == 404


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
