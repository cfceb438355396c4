"""The inspector-registry pages: lists and filters, forms, import, recusal flow, rules."""
# ruff: noqa: F811 (fixtures imported from test_inspector_fixtures are redefined as arguments)

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from registries.choices import InspectorStatus, RecusalStatus
from registries.models import Expert, Inspector, Recusal, RecusalRule
from tests.registries.test_inspector_fixtures import (  # noqa: F401
    days,
    inspector_record_a,
    make_expert,
    make_inspector,
    make_object,
    make_recusal,
    object_a,
)


def _codes_in(response):
    return response.content.decode()


def test_list_filters_by_status_tag_and_expiry(client_for, staff_a, department_a):
    food = make_inspector(department_a, tags=["LE", "FOOD"])
    expiring = make_inspector(department_a, certificate_valid_until=days(30))
    on_leave = make_inspector(
        department_a, status=InspectorStatus.ON_LEAVE, status_since=days(-1), status_until=days(5)
    )
    client = client_for(staff_a)
    body = _codes_in(client.get("/registries/inspectors/?tag=food"))
    assert food.code in body and expiring.code not in body
    body = _codes_in(client.get("/registries/inspectors/?expiring=on"))
    assert expiring.code in body and food.code not in body
    body = _codes_in(client.get("/registries/inspectors/?status=on_leave"))
    assert on_leave.code in body and food.code not in body
    body = _codes_in(
        client.get(f"/registries/inspectors/?drawable_from={days(2)}&drawable_until={days(10)}")
    )
    assert food.code in body and on_leave.code not in body and expiring.code in body
    body = _codes_in(
        client.get(f"/registries/inspectors/?drawable_from={days(40)}&drawable_until={days(50)}")
    )
    assert expiring.code not in body


def test_office_filters_by_department(client_for, office_admin, department_a, department_b):
    a = make_inspector(department_a)
    b = make_inspector(department_b)
    body = _codes_in(client_for(office_admin).get("/registries/inspectors/?department=DEPB"))
    assert b.code in body and a.code not in body


def test_list_page_runs_a_bounded_number_of_queries(
    client_for, staff_a, department_a, django_assert_max_num_queries
):
    for _ in range(30):
        make_inspector(department_a)
    client = client_for(staff_a)
    client.get("/registries/inspectors/")
    with django_assert_max_num_queries(12):
        assert client.get("/registries/inspectors/").status_code == 200


def test_export_xlsx_matches_import_columns(client_for, staff_a, department_a):
    make_inspector(department_a, name="=cmd|' /C calc'!A0")
    response = client_for(staff_a).get("/registries/inspectors/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("人员编码", "姓名", "部门代码")
    assert rows[1][1].startswith("'=")


def test_create_page_registers_and_redirects(client_for, staff_a, department_a, inspector_a):
    response = client_for(staff_a).post(
        "/registries/inspectors/new/",
        {
            "department": department_a.pk,
            "name": "周八",
            "post": "执法科员",
            "certificate_number": "ZJ-8",
            "certificate_valid_until": str(days(500)),
            "tags": ["FOOD", "PRICE"],
            "region_code": "330102",
            "grid": "330102-04",
            "max_load": 3,
            "user": inspector_a.pk,
        },
    )
    inspector = Inspector.objects.get(name="周八")
    assert response.status_code == 302
    assert response["Location"] == f"/registries/inspectors/{inspector.pk}/"
    assert inspector.user == inspector_a
    assert inspector.tags == ["FOOD", "LE", "PRICE"]


def test_create_page_shows_service_errors(client_for, staff_a, department_a):
    response = client_for(staff_a).post(
        "/registries/inspectors/new/",
        {"department": department_a.pk, "name": "周八", "max_load": 3, "region_code": "3301"},
    )
    assert response.status_code == 200
    assert "行政区划代码应为 6、9 或 12 位数字。" in response.content.decode()
    assert not Inspector.objects.exists()


def test_create_page_offers_tags_as_labelled_checkboxes(client_for, staff_a, department_a):
    make_inspector(department_a, tags=["LE", "BOILERS"])  # a tag an import brought
    body = client_for(staff_a).get("/registries/inspectors/new/").content.decode()
    assert '<fieldset class="tag-choices" id="id_tags"><legend>资格与专长标签</legend>' in body
    assert 'type="checkbox" name="tags" value="FOOD"' in body
    assert re.search(
        r'<label class="inline-check"><input [^>]*value="FOOD"[^>]*> 食品</label>', body
    )
    assert 'value="BOILERS"' in body  # kept choosable, so editing never drops it
    assert 'value="LE"' not in body  # follows the certificate, nobody ticks it
    assert 'type="text" name="tags"' not in body


def test_create_page_rejects_an_unknown_tag_code(client_for, staff_a, department_a):
    response = client_for(staff_a).post(
        "/registries/inspectors/new/",
        {"department": department_a.pk, "name": "周八", "max_load": 3, "tags": ["FODD"]},
    )
    assert response.status_code == 200
    assert "未知的标签：FODD" in response.content.decode()
    assert not Inspector.objects.exists()


def test_edit_page_ticks_the_inspectors_tags_and_saves_the_ticked_ones(
    client_for, staff_a, department_a
):
    inspector = make_inspector(department_a, tags=["FOOD", "LE"], certificate_number="ZJ-1")
    client = client_for(staff_a)
    body = client.get(f"/registries/inspectors/{inspector.pk}/edit/").content.decode()
    assert re.search(r'<input type="checkbox" name="tags" value="FOOD"[^>]* checked>', body)
    assert not re.search(r'<input type="checkbox" name="tags" value="PRICE"[^>]* checked>', body)
    response = client.post(
        f"/registries/inspectors/{inspector.pk}/edit/",
        {"name": inspector.name, "max_load": 3, "status": "active", "tags": ["PRICE", "DRUG"]},
    )
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert inspector.tags == ["DRUG", "LE", "PRICE"]  # LE stays with the certificate


def test_department_user_cannot_create_in_another_department(client_for, staff_a, department_b):
    response = client_for(staff_a).post(
        "/registries/inspectors/new/", {"department": department_b.pk, "name": "X", "max_load": 3}
    )
    assert response.status_code == 200
    assert not Inspector.objects.exists()


def test_edit_puts_on_leave_and_detail_explains_why_not_drawable(client_for, staff_a, department_a):
    inspector = make_inspector(department_a)
    client = client_for(staff_a)
    response = client.post(
        f"/registries/inspectors/{inspector.pk}/edit/",
        {
            "name": inspector.name,
            "max_load": 3,
            "status": "on_leave",
            "status_since": str(days(1)),
            "status_until": str(days(9)),
        },
    )
    assert response.status_code == 302
    detail = client.get(
        f"/registries/inspectors/{inspector.pk}/?start={days(2)}&end={days(4)}"
    ).content.decode()
    assert 'data-testid="ineligible"' in detail
    assert "休假期间" in detail
    assert "inspector.status" in detail
    detail = client.get(
        f"/registries/inspectors/{inspector.pk}/?start={days(20)}&end={days(24)}"
    ).content.decode()
    assert 'data-testid="eligible"' in detail


def test_certificate_page_renews(client_for, dept_admin_a, department_a):
    inspector = make_inspector(department_a, certificate_valid_until=days(3))
    response = client_for(dept_admin_a).post(
        f"/registries/inspectors/{inspector.pk}/certificate/",
        {
            "certificate_number": inspector.certificate_number,
            "certificate_valid_until": str(days(900)),
        },
    )
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert inspector.certificate_valid_until == days(900)


def test_import_page_uploads_reports_and_applies(client_for, staff_a):
    client = client_for(staff_a)
    upload = SimpleUploadedFile(
        "p.csv", "姓名,执法证号,执法证有效期至,标签\n陈九,ZJ9,2031-01-01,FOOD\n".encode("gbk")
    )
    response = client.post("/registries/inspectors/import/", {"kind": "inspectors", "file": upload})
    assert response.status_code == 200
    token = response.context["token"]
    assert token and response.context["report"].to_create == 1
    assert not Inspector.objects.exists()
    response = client.post("/registries/inspectors/import/apply/", {"token": token})
    assert response.status_code == 302
    assert Inspector.objects.get().name == "陈九"
    # a token is used once
    response = client.post("/registries/inspectors/import/apply/", {"token": token})
    assert Inspector.objects.count() == 1


def test_import_page_shows_row_errors_and_offers_no_apply(client_for, staff_a):
    upload = SimpleUploadedFile("p.csv", "姓名,标签\n陈九,食品\n".encode())
    response = client_for(staff_a).post(
        "/registries/inspectors/import/", {"kind": "inspectors", "file": upload}
    )
    body = response.content.decode()
    assert response.context["token"] is None
    assert "标签只能由" in body


def test_import_token_of_another_user_is_refused(client_for, staff_a, dept_admin_a):
    upload = SimpleUploadedFile("p.csv", "姓名\n陈九\n".encode())
    token = (
        client_for(staff_a)
        .post("/registries/inspectors/import/", {"kind": "inspectors", "file": upload})
        .context["token"]
    )
    client_for(dept_admin_a).post("/registries/inspectors/import/apply/", {"token": token})
    assert not Inspector.objects.exists()


def test_import_template_download(client_for, staff_a):
    response = client_for(staff_a).get("/registries/inspectors/import/?template=inspectors")
    assert (
        b"".join(response.streaming_content)
        .decode("utf-8-sig")
        .startswith("人员编码,姓名,部门代码")
    )


def test_expert_pages(client_for, office_admin, staff_a):
    client = client_for(office_admin)
    response = client.post(
        "/registries/inspectors/experts/new/",
        {
            "name": "钱七",
            "organisation": "临江大学",
            "speciality": "食品",
            "tags": ["FOOD"],
            "status": "active",
            "max_load": 2,
        },
    )
    expert = Expert.objects.get()
    assert expert.tags == ["FOOD"]
    assert response["Location"] == f"/registries/inspectors/experts/{expert.pk}/"
    body = client_for(staff_a).get("/registries/inspectors/experts/?q=临江").content.decode()
    assert expert.code in body
    assert "登记专家" not in body


def test_declare_flow_search_submit_queue_confirm(
    client_for, inspector_a, dept_admin_a, inspector_record_a, object_a
):
    # given: the inspector searches the object by name
    client = client_for(inspector_a)
    response = client.get("/registries/inspectors/recusals/new/?q=甲商贸")
    assert object_a.code in response.content.decode()
    # when: they declare
    response = client.post(
        "/registries/inspectors/recusals/new/",
        {
            "inspector": inspector_record_a.pk,
            "object_code": object_a.code.lower(),
            "reason": "relative",
            "note": "表哥",
        },
    )
    recusal = Recusal.objects.get()
    assert response["Location"] == f"/registries/inspectors/recusals/{recusal.pk}/"
    # then: it waits in the department admin's queue until confirmed
    admin = client_for(dept_admin_a)
    assert object_a.code in admin.get("/registries/inspectors/recusals/queue/").content.decode()
    response = admin.post(
        f"/registries/inspectors/recusals/{recusal.pk}/confirm/", {"note": "属实", "next": "queue"}
    )
    assert response["Location"] == "/registries/inspectors/recusals/queue/"
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.CONFIRMED
    assert object_a.code not in admin.get("/registries/inspectors/recusals/queue/").content.decode()


def test_reject_without_reason_shows_an_error(
    client_for, dept_admin_a, staff_a, inspector_record_a, object_a
):
    recusal = make_recusal(
        inspector_record_a, object_a, declared_by=staff_a, status=RecusalStatus.DECLARED
    )
    response = client_for(dept_admin_a).post(
        f"/registries/inspectors/recusals/{recusal.pk}/reject/", {"note": ""}, follow=True
    )
    assert "须说明理由" in response.content.decode()
    recusal.refresh_from_db()
    assert recusal.status == RecusalStatus.DECLARED


def test_declare_unknown_object_code(client_for, staff_a, inspector_record_a):
    response = client_for(staff_a).post(
        "/registries/inspectors/recusals/new/",
        {"inspector": inspector_record_a.pk, "object_code": "NOPE", "reason": "relative"},
    )
    assert "检查对象不存在" in response.content.decode()


def test_rules_page_switches_rules(client_for, office_admin):
    client = client_for(office_admin)
    client.post(
        "/registries/inspectors/recusal-rules/",
        {"kind": "own_grid", "is_active": "on", "note": "网格"},
    )
    assert RecusalRule.objects.get(kind="own_grid").is_active
    client.post("/registries/inspectors/recusal-rules/", {"kind": "own_grid"})
    assert not RecusalRule.objects.get(kind="own_grid").is_active
    assert (
        "不得检查本人所在网格的对象"
        in client.get("/registries/inspectors/recusal-rules/").content.decode()
    )


def test_recusal_csv_export_is_formula_safe(client_for, staff_a, inspector_record_a):
    dangerous = make_object(name="+SUM(1,2)商贸")
    make_recusal(inspector_record_a, dangerous, declared_by=staff_a)
    response = client_for(staff_a).get("/registries/inspectors/recusals/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'+SUM(1,2)商贸" in body


@pytest.mark.parametrize(
    "url",
    [
        "/registries/inspectors/",
        "/registries/inspectors/experts/",
        "/registries/inspectors/recusals/",
    ],
)
def test_lists_render_for_the_office(
    client_for, office_admin, url, department_a, inspector_record_a
):
    make_expert()
    assert client_for(office_admin).get(url).status_code == 200


def test_expert_form_shows_tags_as_checkboxes_and_refuses_an_unknown_code(client_for, office_admin):
    expert = make_expert(tags=["FOOD"])
    client = client_for(office_admin)
    url = f"/registries/inspectors/experts/{expert.pk}/edit/"
    body = client.get(url).content.decode()
    assert '<fieldset class="tag-choices" id="id_tags"><legend>标签</legend>' in body
    assert re.search(r'<input type="checkbox" name="tags" value="FOOD"[^>]* checked>', body)
    assert re.search(r'<input [^>]*value="LAW"[^>]*> 法律</label>', body)
    fields = {"name": expert.name, "organisation": "临江大学", "speciality": "食品"}
    fields |= {"status": "active", "max_load": 2}
    response = client.post(url, {**fields, "tags": ["FOOD", "NOPE"]})
    assert response.status_code == 200
    assert "未知的标签：NOPE" in response.content.decode()
    expert.refresh_from_db()
    assert expert.tags == ["FOOD"]
    response = client.post(url, {**fields, "tags": ["LAW", "FOOD"]})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.tags == ["FOOD", "LAW"]
