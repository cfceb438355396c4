"""The permission matrix for every catalog page and API endpoint.

Everyone signed in reads the list; only office admins edit, import, retire and decide proposals;
department staff, liaisons and admins propose, and see only their own department's proposals.
Citizens read the public list without an account. Forbidden objects look missing (404) in pages;
the API refuses office-only endpoints with 403.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.choices import ProposalKind
from catalog.services import matter_import_preview, proposal_submit

ALLOWED, HIDDEN, LOGIN = "allowed", "hidden", "login"
ACTORS = ["office_admin", "dept_admin_a", "staff_a", "staff_b", "anonymous"]
CSV = "序号,抽查事项,检查对象,事项类别\n1,测试事项,企业,一般检查事项\n".encode()


def everyone(anonymous=LOGIN):
    return dict(
        office_admin=ALLOWED,
        dept_admin_a=ALLOWED,
        staff_a=ALLOWED,
        staff_b=ALLOWED,
        anonymous=anonymous,
    )


OFFICE_ONLY = dict(
    office_admin=ALLOWED, dept_admin_a=HIDDEN, staff_a=HIDDEN, staff_b=HIDDEN, anonymous=LOGIN
)
PROPOSERS = dict(
    office_admin=HIDDEN, dept_admin_a=ALLOWED, staff_a=ALLOWED, staff_b=ALLOWED, anonymous=LOGIN
)

PAGES = {
    "matter_list": ("get", "/catalog/", None, everyone()),
    "matter_list_csv": ("get", "/catalog/?format=csv", None, everyone()),
    "matter_list_xlsx": ("get", "/catalog/?format=xlsx", None, everyone()),
    "matter_detail": ("get", "/catalog/{matter}/", None, everyone()),
    "matter_create_form": ("get", "/catalog/new/", None, OFFICE_ONLY),
    "matter_create": ("post", "/catalog/new/", {"code": "N-1", "name": "新事项", "category": "general", "implementing_level": "all", "list_year": 2026, "effective_from": "2026-01-01"}, OFFICE_ONLY),
    "matter_edit_form": ("get", "/catalog/{matter}/edit/", None, OFFICE_ONLY),
    "matter_edit": ("post", "/catalog/{matter}/edit/", {"name": "改名", "category": "general", "implementing_level": "all", "list_year": 2026, "effective_from": "2026-01-01"}, OFFICE_ONLY),
    "matter_retire": ("post", "/catalog/{matter}/retire/", {"reason": "废止"}, OFFICE_ONLY),
    "check_points_form": ("get", "/catalog/{matter}/check-points/", None, OFFICE_ONLY),
    "proposal_create_form": ("get", "/catalog/proposals/new/", None, PROPOSERS),
    "proposal_change_form": ("get", "/catalog/{matter}/propose/", None, PROPOSERS),
    "proposal_retire_form": ("get", "/catalog/{matter}/propose-retire/", None, PROPOSERS),
    "proposal_list": ("get", "/catalog/proposals/", None, everyone()),
    "proposal_detail": ("get", "/catalog/proposals/{proposal}/", None, dict(office_admin=ALLOWED, dept_admin_a=ALLOWED, staff_a=ALLOWED, staff_b=HIDDEN, anonymous=LOGIN)),
    "proposal_accept": ("post", "/catalog/proposals/{proposal}/accept/", {}, OFFICE_ONLY),
    "proposal_reject": ("post", "/catalog/proposals/{proposal}/reject/", {"decision_reason": "不需要"}, OFFICE_ONLY),
    "import_upload_form": ("get", "/catalog/imports/", None, OFFICE_ONLY),
    "import_detail": ("get", "/catalog/imports/{import}/", None, OFFICE_ONLY),
    "import_apply": ("post", "/catalog/imports/{import}/apply/", {}, OFFICE_ONLY),
    "import_discard": ("post", "/catalog/imports/{import}/discard/", {}, OFFICE_ONLY),
    "public_list": ("get", "/catalog/public/", None, everyone(anonymous=ALLOWED)),
    "public_list_csv": ("get", "/catalog/public/?format=csv", None, everyone(anonymous=ALLOWED)),
    "public_detail": ("get", "/catalog/public/{matter}/", None, everyone(anonymous=ALLOWED)),
}  # fmt: skip


@pytest.fixture
def objects(matter, staff_a, office_admin):
    proposal = proposal_submit(
        submitted_by=staff_a, kind=ProposalKind.RETIRE, matter=matter, reason="法规废止"
    )
    matter_import = matter_import_preview(
        uploaded_by=office_admin, content=CSV, filename="list.csv", code_prefix="P-"
    )
    return {"matter": matter.pk, "proposal": proposal.pk, "import": matter_import.pk}


@pytest.mark.parametrize("operation", sorted(PAGES))
@pytest.mark.parametrize("actor", ACTORS)
def test_catalog_pages_permission_matrix(
    request, client_for, objects, operation, actor, dept_admin_a, staff_b
):
    method, url, data, expected = PAGES[operation]
    client = client_for(request.getfixturevalue(actor))
    response = getattr(client, method)(url.format(**objects), data or {})
    outcome = expected[actor]
    if outcome == ALLOWED:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif outcome == HIDDEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_missing_and_forbidden_proposals_look_the_same(client_for, objects, staff_b):
    client = client_for(staff_b)
    assert client.get(f"/catalog/proposals/{objects['proposal']}/").status_code == 404
    assert client.get("/catalog/proposals/999999/").status_code == 404


def test_department_proposal_list_shows_only_its_own(client_for, objects, staff_b, staff_a):
    assert "法规废止" not in client_for(staff_b).get("/catalog/proposals/?status=").content.decode()
    response = client_for(staff_a).get("/catalog/proposals/?status=")
    assert f"/catalog/proposals/{objects['proposal']}/" in response.content.decode()


OK = dict(office_admin=200, dept_admin_a=200, staff_a=200, staff_b=200, anonymous=403)
OFFICE_API = dict(office_admin=200, dept_admin_a=403, staff_a=403, staff_b=403, anonymous=403)
PUBLIC = dict(office_admin=200, dept_admin_a=200, staff_a=200, staff_b=200, anonymous=200)

API = {
    "matter_list": ("get", "/api/v1/catalog/matters/", None, OK),
    "matter_detail": ("get", "/api/v1/catalog/matters/{matter}/", None, OK),
    "matter_revisions": ("get", "/api/v1/catalog/matters/{matter}/revisions/", None, OK),
    "matter_create": ("post", "/api/v1/catalog/matters/create/", {"code": "API-1", "name": "新事项"}, {**OFFICE_API, "office_admin": 201}),
    "matter_update": ("post", "/api/v1/catalog/matters/{matter}/update/", {"name": "改名"}, OFFICE_API),
    "matter_retire": ("post", "/api/v1/catalog/matters/{matter}/retire/", {"reason": "废止"}, OFFICE_API),
    "matter_check_points": ("post", "/api/v1/catalog/matters/{matter}/check-points/", {"check_points": [{"text": "是否公示"}]}, OFFICE_API),
    "proposal_list": ("get", "/api/v1/catalog/proposals/", None, OK),
    "proposal_submit": ("post", "/api/v1/catalog/proposals/submit/", {"kind": "add", "payload": {"name": "建议事项"}, "reason": "需要"}, dict(office_admin=403, dept_admin_a=201, staff_a=201, staff_b=201, anonymous=403)),
    "proposal_detail": ("get", "/api/v1/catalog/proposals/{proposal}/", None, dict(office_admin=200, dept_admin_a=200, staff_a=200, staff_b=404, anonymous=403)),
    "proposal_accept": ("post", "/api/v1/catalog/proposals/{proposal}/accept/", {}, OFFICE_API),
    "proposal_reject": ("post", "/api/v1/catalog/proposals/{proposal}/reject/", {"decision_reason": "不需要"}, OFFICE_API),
    "import_list": ("get", "/api/v1/catalog/imports/", None, OFFICE_API),
    "import_detail": ("get", "/api/v1/catalog/imports/{import}/", None, OFFICE_API),
    "import_preview": ("multipart", "/api/v1/catalog/imports/preview/", None, {**OFFICE_API, "office_admin": 201}),
    "import_apply": ("post", "/api/v1/catalog/imports/{import}/apply/", {}, OFFICE_API),
    "import_discard": ("post", "/api/v1/catalog/imports/{import}/discard/", {}, OFFICE_API),
    "public_list": ("get", "/api/v1/catalog/public/matters/", None, PUBLIC),
    "public_detail": ("get", "/api/v1/catalog/public/matters/{matter}/", None, PUBLIC),
}  # fmt: skip


@pytest.mark.parametrize("operation", sorted(API))
@pytest.mark.parametrize("actor", ACTORS)
def test_catalog_api_permission_matrix(
    request, api_client_for, objects, operation, actor, dept_admin_a, staff_b
):
    method, url, data, expected = API[operation]
    client = api_client_for(request.getfixturevalue(actor))
    url = url.format(**objects)
    if method == "multipart":
        upload = SimpleUploadedFile("list.csv", CSV, content_type="text/csv")
        response = client.post(url, {"file": upload, "code_prefix": "Q-"}, format="multipart")
    else:
        response = getattr(client, method)(url, data, format="json")
    assert response.status_code == expected[actor], response.content
