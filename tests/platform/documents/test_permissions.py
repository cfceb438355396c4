"""Who may print what, through the pages, the generic status/file views and the API: the task's
working departments and the office print its forms, a drawn inspector only their own group's,
everyone else gets the same 404; the published plan PDF is anyone's."""

import re

import pytest

from accounts.choices import Role
from platform_site.documents import document_get, document_render
from tests.accounts.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
ALLOWED, HIDDEN, LOGIN = "allowed", "hidden", "login"


def _document_id(waiting_page) -> str:
    assert waiting_page.status_code == 202
    return re.search(r"/documents/([0-9a-f]{32})/status/", waiting_page.content.decode()).group(1)


def _render(document):
    return document_render(
        kind_name=document.kind, params=document.params, fingerprint=document.fingerprint
    )


@pytest.fixture
def outsider(db):
    department = DepartmentFactory(code="DEPC", name="丙部门")
    return UserFactory(username="staff_c", department=department, roles=[Role.STAFF])


@pytest.fixture
def own_group_inspector(drawn, department_a):
    """The account of an inspector drawn into a group, and a drawn object of that group and one
    of another group."""
    member = drawn.members.filter(department_code="DEPA", replaced_by__isnull=True).first()
    user = UserFactory(username="drawn_inspector", department=department_a, roles=[Role.INSPECTOR])
    member.inspector.user = user
    member.inspector.save(update_fields=["user"])
    own = drawn.drawn_objects.filter(group_id=member.group_id).first()
    other = drawn.drawn_objects.exclude(group_id=member.group_id).first()
    return user, own, other


ACTORS = [
    "office_admin",
    "staff_a",
    "staff_b",
    "liaison_a",
    "inspector_a",
    "witness_a",
    "outsider",
    "anonymous",
]
OBJECT_FORMS = dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, liaison_a=ALLOWED, inspector_a=HIDDEN, witness_a=HIDDEN, outsider=HIDDEN, anonymous=LOGIN)  # fmt: skip
MATRIX = {
    "notice": OBJECT_FORMS,
    "onsite_record": OBJECT_FORMS,
    "rectification": OBJECT_FORMS,
    "notices": OBJECT_FORMS,
    # the draw record follows the draw page: anyone in the task's departments
    "draw_record": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, liaison_a=ALLOWED, inspector_a=ALLOWED, witness_a=ALLOWED, outsider=HIDDEN, anonymous=LOGIN),
    "matter_form": dict(office_admin=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, liaison_a=ALLOWED, inspector_a=ALLOWED, witness_a=ALLOWED, outsider=ALLOWED, anonymous=LOGIN),
}  # fmt: skip


def _url(name, drawn):
    drawn_object = drawn.drawn_objects.first()
    return {
        "notice": f"/tasks/objects/{drawn_object.pk}/notice.pdf",
        "onsite_record": f"/tasks/objects/{drawn_object.pk}/onsite-record.pdf",
        "rectification": f"/tasks/objects/{drawn_object.pk}/rectification.pdf",
        "notices": f"/tasks/{drawn.task.pk}/notices.pdf",
        "draw_record": f"/tasks/draws/{drawn.pk}/record.pdf",
        "matter_form": f"/catalog/{drawn.task.matters.get().pk}/form.pdf",
    }[name]


@pytest.mark.parametrize("actor", ACTORS)
def test_print_pages_permission_matrix(
    request, client_for, drawn, actor, office_admin, staff_a, staff_b, outsider
):
    user = request.getfixturevalue(actor)
    client = client_for(user)
    for name, row in MATRIX.items():
        response = client.get(_url(name, drawn))
        expected = row[actor]
        if expected == ALLOWED:
            assert response.status_code == 202, (name, response.status_code)
            assert "正在生成" in response.content.decode()
        elif expected == HIDDEN:
            assert response.status_code == 404, (name, response.status_code)
        else:
            assert response.status_code == 302 and "/login/" in response["Location"], name


def test_a_drawn_inspector_prints_their_own_groups_forms_only(
    client_for, drawn, own_group_inspector
):
    user, own, other = own_group_inspector
    client = client_for(user)
    for form in ("notice", "onsite-record", "rectification"):
        assert client.get(f"/tasks/objects/{own.pk}/{form}.pdf").status_code == 202
        assert client.get(f"/tasks/objects/{other.pk}/{form}.pdf").status_code == 404
    assert client.get(f"/tasks/{drawn.task.pk}/notices.pdf").status_code == 404


def test_forms_of_a_voided_draw_are_gone(client_for, drawn, staff_a):
    from tasks.choices import DrawState
    from tasks.models import Draw

    drawn_object = drawn.drawn_objects.first()
    Draw.objects.filter(pk=drawn.pk).update(state=DrawState.VOIDED)
    assert (
        client_for(staff_a).get(f"/tasks/objects/{drawn_object.pk}/notice.pdf").status_code == 404
    )
    assert client_for(staff_a).get(f"/tasks/{drawn.task.pk}/notices.pdf").status_code == 404


def test_status_and_file_by_id_follow_the_documents_page(
    client_for, drawn, staff_a, staff_b, outsider, django_capture_on_commit_callbacks
):
    url = _url("notice", drawn)
    document = document_get(_document_id(client_for(staff_a).get(url)))
    status_url = f"/documents/{document.id}/status/"
    file_url = f"/documents/{document.id}/file/"
    assert client_for(staff_b).get(status_url).status_code == 200
    assert client_for(outsider).get(status_url).status_code == 404
    assert client_for(None).get(status_url).status_code == 404
    assert client_for(staff_b).get(file_url).status_code == 404  # not rendered yet
    _render(document)
    # the poll sends the browser back to the page's address, which serves the file
    poll = client_for(staff_b).get(status_url, headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == url
    response = client_for(staff_b).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:4] == b"%PDF"
    assert client_for(outsider).get(file_url).status_code == 404
    assert client_for(staff_b).get(file_url).status_code == 200


def test_rendered_files_are_never_under_media(client_for, drawn, staff_a, settings):
    document = _render(
        document_get(_document_id(client_for(staff_a).get(_url("draw_record", drawn))))
    )
    relative = document.path.relative_to(settings.DOCUMENTS_ROOT)
    assert client_for(staff_a).get(f"/media/{relative}").status_code == 404
    assert client_for(staff_a).get(f"/media/../documents/{relative}").status_code == 404


def test_task_page_offers_the_forms_each_user_may_print(
    client_for, drawn, staff_b, own_group_inspector
):
    page = client_for(staff_b).get(f"/tasks/{drawn.task.pk}/").content.decode()
    assert f"/tasks/{drawn.task.pk}/notices.pdf" in page
    for drawn_object in drawn.drawn_objects.all():
        assert f"/tasks/objects/{drawn_object.pk}/notice.pdf" in page
    user, own, other = own_group_inspector
    page = client_for(user).get(f"/tasks/{drawn.task.pk}/").content.decode()
    assert f"/tasks/objects/{own.pk}/notice.pdf" in page
    assert f"/tasks/objects/{other.pk}/notice.pdf" not in page
    assert "notices.pdf" not in page
