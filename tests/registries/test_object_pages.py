"""The server-rendered pages of the object registry."""

import pytest
from django.utils import timezone

from registries.models import InspectionObject, ObjectChange, ObjectSupervision
from registries.uscc import make_uscc
from tests.registries.object_factories import make_object, object_a  # noqa: F401

pytestmark = pytest.mark.django_db


def test_list_page_renders_filters_results_and_exports(client_for, staff_a, object_a):  # noqa: F811
    response = client_for(staff_a).get("/registries/objects/")
    html = response.content.decode()
    assert response.status_code == 200
    assert object_a.name in html
    assert "export=csv" in html and "export=xlsx" in html
    assert 'hx-get="/registries/objects/"' in html
    assert "共 1 个检查对象" in html


def test_htmx_request_gets_only_the_results(client_for, office_admin, object_a):  # noqa: F811
    make_object(name="临江市另一家有限公司")
    response = client_for(office_admin).get(
        "/registries/objects/", {"name": "恒达"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert object_a.name in html
    assert "另一家" not in html


def test_create_form_shows_the_expected_check_character(client_for, staff_a):
    code = make_uscc("91330106MA2B7C4D0")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    data = {
        "kind": "enterprise",
        "code": wrong,
        "name": "临江市表单有限公司",
        "region_code": "330106",
        "risk_class": "B",
        "status": "active",
    }
    response = client_for(staff_a).post("/registries/objects/new/", data)
    assert response.status_code == 200
    assert f"第18位应为“{code[17]}”" in response.content.decode()
    response = client_for(staff_a).post(
        "/registries/objects/new/",
        {**data, "code": code, "licence_types": "食品经营许可证、特种设备使用登记"},
    )
    inspection_object = InspectionObject.objects.get(code=code)
    assert response.status_code == 302
    assert inspection_object.licence_types == ["食品经营许可证", "特种设备使用登记"]


def test_edit_page_keeps_history_visible_on_detail(client_for, staff_a, object_a):  # noqa: F811
    client = client_for(staff_a)
    data = {
        "kind": "enterprise",
        "code": object_a.code,
        "name": "临江市恒达食品股份有限公司",
        "region_code": "330106",
        "industry_code": "F5221",
        "risk_class": "A",
        "status": "active",
    }
    assert client.post(f"/registries/objects/{object_a.pk}/edit/", data).status_code == 302
    change = ObjectChange.objects.get(inspection_object=object_a)
    assert change.changes["risk_class"] == ["B", "A"]
    html = client.get(f"/registries/objects/{object_a.pk}/").content.decode()
    assert "临江市恒达食品股份有限公司" in html
    assert "信用风险分类：B类（一般风险） → A类（低风险）" in html
    assert "<td>页面录入</td>" in html
    assert "risk_class" not in html


def test_history_names_departments_reasons_and_lists_in_words(
    client_for,
    office_admin,
    object_a,  # noqa: F811
    department_a,
    department_b,
):
    ObjectChange.objects.create(
        inspection_object=object_a,
        changed_by=office_admin,
        source="resolve",
        changes={
            f"supervision.{department_b.code}": ["disputed", "claimed"],
            "resolve_reason": [None, "双方协商一致"],
            "supervising_departments": [None, [department_a.code, department_b.code]],
            "licence_types": [[], ["食品经营许可证", "药品经营许可证"]],
            "penalised_at": ["2026-01-05", None],
        },
    )
    html = client_for(office_admin).get(f"/registries/objects/{object_a.pk}/").content.decode()
    assert "<td>争议处理</td>" in html
    assert "监管部门：生态环境局：有争议 → 已认领" in html
    assert "争议处理意见：— → 双方协商一致" in html
    assert "监管部门：— → 市场监管局、生态环境局" in html
    assert "许可类别：— → 食品经营许可证、药品经营许可证" in html
    assert "supervision." not in html and "penalised_at" not in html


def test_flag_forms(client_for, staff_a, object_a):  # noqa: F811
    client = client_for(staff_a)
    today = timezone.localdate().isoformat()
    # not on any list: nothing to take it off
    assert (
        'data-testid="flag-clear"'
        not in client.get(f"/registries/objects/{object_a.pk}/").content.decode()
    )
    client.post(
        f"/registries/objects/{object_a.pk}/flags/set/",
        {"flag": "group_complaint", "since": today, "source": "12315平台"},
    )
    object_a.refresh_from_db()
    assert object_a.group_complaint_source == "12315平台"
    html = client.get(f"/registries/objects/{object_a.pk}/").content.decode()
    assert "12315平台" in html
    clear_form = html[html.index('data-testid="flag-clear"') :]
    clear_form = clear_form[: clear_form.index("</form>")]
    assert 'value="group_complaint"' in clear_form and 'value="anomaly"' not in clear_form
    client.post(
        f"/registries/objects/{object_a.pk}/flags/clear/",
        {"flag": "group_complaint", "reason": "核实不属实"},
    )
    object_a.refresh_from_db()
    assert object_a.group_complaint_at is None


def test_claim_page_looks_up_then_claims(client_for, staff_b, object_a):  # noqa: F811
    unclaimed = make_object(name="临江市无人认领有限公司")
    client = client_for(staff_b)
    codes = f"{unclaimed.code}\n{object_a.code}\nNOPE-0001"
    html = client.get("/registries/objects/claim/", {"codes": codes}).content.decode()
    assert "临江市无人认领有限公司" in html and "名录库中没有该代码" in html
    assert not ObjectSupervision.objects.filter(department__code="DEPB").exists()
    html = client.post("/registries/objects/claim/", {"codes": codes}).content.decode()
    assert "已认领" in html and "等待联席办确认" in html
    statuses = dict(
        ObjectSupervision.objects.filter(department__code="DEPB").values_list(
            "inspection_object_id", "status"
        )
    )
    assert statuses == {unclaimed.pk: "claimed", object_a.pk: "disputed"}


def test_office_resolves_a_dispute_in_the_page(
    client_for, office_admin, department_a, department_b
):
    contested = make_object(
        departments=[department_a], disputed=[department_b], name="临江市争议有限公司"
    )
    dispute = contested.supervisions.get(department=department_b)
    client = client_for(office_admin)
    html = client.get("/registries/objects/disputes/").content.decode()
    assert "临江市争议有限公司" in html
    client.post(f"/registries/objects/disputes/{dispute.pk}/resolve/", {"decision": "remove"})
    assert not ObjectSupervision.objects.filter(pk=dispute.pk).exists()


def test_department_releases_from_the_detail_page(client_for, staff_a, department_a, object_a):  # noqa: F811
    response = client_for(staff_a).post(
        f"/registries/objects/{object_a.pk}/release/", {"department": department_a.pk}
    )
    assert response.status_code == 302
    assert not object_a.supervisions.exists()
