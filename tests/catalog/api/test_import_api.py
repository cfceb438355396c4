from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Matter
from tests.catalog.conftest import HAINAN_JOINT

BASE = "/api/v1/catalog/imports/"


def test_preview_then_apply_once(api_client_for, office_admin, city_departments):
    client = api_client_for(office_admin)
    upload = SimpleUploadedFile(HAINAN_JOINT.name, HAINAN_JOINT.read_bytes())
    response = client.post(
        f"{BASE}preview/",
        {"file": upload, "code_prefix": "HNLH-", "list_year": 2021},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["added_count"], body["changed_count"], body["retired_count"]) == (83, 0, 0)
    assert body["diff"]["added"][0]["code"] == "HNLH-1-1"
    assert Matter.objects.count() == 0
    assert client.get(f"{BASE}{body['id']}/").json()["status"] == "previewed"
    assert client.post(f"{BASE}{body['id']}/apply/").json()["status"] == "applied"
    assert Matter.objects.filter(is_joint=True, list_year=2021).count() == 83
    response = client.post(f"{BASE}{body['id']}/apply/")
    assert response.status_code == 400 and "不能重复导入" in response.content.decode()
    assert client.get(BASE).json()["count"] == 1


def test_discard(api_client_for, office_admin):
    client = api_client_for(office_admin)
    csv = SimpleUploadedFile("a.csv", "抽查事项\n事项一\n".encode())
    body = client.post(f"{BASE}preview/", {"file": csv}, format="multipart").json()
    assert client.post(f"{BASE}{body['id']}/discard/").json()["status"] == "discarded"
    assert client.post(f"{BASE}{body['id']}/apply/").status_code == 400
    assert Matter.objects.count() == 0
