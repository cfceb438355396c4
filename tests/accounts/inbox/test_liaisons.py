"""The liaison system: a department designates its liaison (its admin or the office may), the
office is told; the contact directory and the status page flag departments without one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.choices import Role
from accounts.liaisons import contact_directory, department_set_liaison, departments_without_liaison
from accounts.models import AuditEvent, Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_department_admin_designates_a_liaison_and_the_office_is_told(
    department_a, dept_admin_a, liaison_a, office_admin
):
    department_set_liaison(department=department_a, liaison=liaison_a, set_by=dept_admin_a)
    department_a.refresh_from_db()
    assert department_a.liaison == liaison_a and department_a.liaison_since
    event = AuditEvent.objects.get(action="department.liaison_set")
    assert event.details == {"before": None, "after": "liaison_a"}
    told = Notification.objects.filter(kind="accounts.liaison_set")
    assert sorted(n.recipient.username for n in told) == ["liaison_a", "office_admin"]
    # Designating the same person again changes nothing.
    department_set_liaison(department=department_a, liaison=liaison_a, set_by=dept_admin_a)
    assert AuditEvent.objects.filter(action="department.liaison_set").count() == 1


@pytest.mark.parametrize("who", ["staff_a", "admin_b", "liaison_a"])
def test_only_its_admin_or_the_office_may_designate(
    request, department_a, liaison_a, staff_a, dept_admin_b, who
):
    actor = {"staff_a": staff_a, "admin_b": dept_admin_b, "liaison_a": liaison_a}[who]
    with pytest.raises(PermissionDenied):
        department_set_liaison(department=department_a, liaison=liaison_a, set_by=actor)


def test_the_office_may_designate(department_a, liaison_a, office_admin):
    department_set_liaison(department=department_a, liaison=liaison_a, set_by=office_admin)
    department_a.refresh_from_db()
    assert department_a.liaison == liaison_a


@pytest.mark.parametrize("case", ["other_department", "frozen", "no_role", "office"])
def test_the_liaison_must_be_an_active_liaison_role_account_of_the_department(
    case, department_a, dept_admin_a, staff_a, staff_b, office, office_admin
):
    if case == "other_department":
        candidate = UserFactory(username="l_b", department=staff_b.department, roles=[Role.LIAISON])
    elif case == "frozen":
        candidate = UserFactory(
            username="l_f", department=department_a, roles=[Role.LIAISON], is_active=False
        )
    elif case == "no_role":
        candidate = staff_a
    else:
        candidate = office_admin
    department = office if case == "office" else department_a
    actor = office_admin if case == "office" else dept_admin_a
    with pytest.raises(ValidationError):
        department_set_liaison(department=department, liaison=candidate, set_by=actor)


def test_directory_and_flags(department_a, department_b, liaison_a, dept_admin_a, dept_admin_b):
    entries = {entry.department.code: entry for entry in contact_directory()}
    # A has a liaison-role account standing in, B only its admin; neither designated yet.
    assert [u.username for u in entries["DEPA"].notices_reach] == ["liaison_a"]
    assert [u.username for u in entries["DEPB"].notices_reach] == ["admin_b"]
    assert {e.department.code for e in departments_without_liaison()} == {"DEPA", "DEPB"}
    department_set_liaison(department=department_a, liaison=liaison_a, set_by=dept_admin_a)
    assert {e.department.code for e in departments_without_liaison()} == {"DEPB"}
    # A frozen liaison no longer counts.
    liaison_a.is_active = False
    liaison_a.save(update_fields=["is_active"])
    assert {e.department.code for e in departments_without_liaison()} == {"DEPA", "DEPB"}


def test_pages_directory_and_status_flag(
    client_for, department_a, department_b, liaison_a, dept_admin_a, office_admin, staff_a
):
    office = client_for(office_admin)
    html = office.get("/contacts/").content.decode()
    assert 'data-department="DEPA"' in html and "未指定联络员" in html
    status = office.get("/status/").content.decode()
    assert 'data-testid="without-liaison" data-department="DEPA"' in status
    assert client_for(staff_a).get("/contacts/").status_code == 404
    admin = client_for(dept_admin_a)
    page = admin.get(f"/departments/{department_a.pk}/liaison/")
    assert page.status_code == 200 and "liaison_a" in page.content.decode()
    response = admin.post(f"/departments/{department_a.pk}/liaison/", {"liaison": liaison_a.pk})
    assert response.status_code == 302
    assert (
        'data-department="DEPA"'
        not in office.get("/status/")
        .content.decode()
        .split("liaison-status")[1]
        .split("</section>")[0]
    )
    assert (
        client_for(dept_admin_a).get(f"/departments/{department_b.pk}/liaison/").status_code == 404
    )
    assert client_for(staff_a).get(f"/departments/{department_a.pk}/liaison/").status_code == 404


def test_api_directory_and_designation(
    api_client_for,
    department_a,
    department_b,
    liaison_a,
    dept_admin_a,
    dept_admin_b,
    office_admin,
    staff_a,
):
    assert api_client_for(staff_a).get("/api/v1/liaisons/").status_code == 403
    directory = api_client_for(office_admin).get("/api/v1/liaisons/").json()
    assert {row["department"] for row in directory} == {"DEPA", "DEPB"}
    url = f"/api/v1/liaisons/{department_a.pk}/"
    assert (
        api_client_for(staff_a).post(url, {"liaison": "liaison_a"}, format="json").status_code
        == 403
    )
    assert (
        api_client_for(dept_admin_b).post(url, {"liaison": "liaison_a"}, format="json").status_code
        == 404
    )
    assert (
        api_client_for(dept_admin_a).post(url, {"liaison": "nobody"}, format="json").status_code
        == 400
    )
    response = api_client_for(dept_admin_a).post(url, {"liaison": "liaison_a"}, format="json")
    assert response.status_code == 200 and response.json()["liaison"] == "liaison_a"
    cleared = api_client_for(office_admin).post(url, {"liaison": None}, format="json")
    assert cleared.json()["liaison"] is None
