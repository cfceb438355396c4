"""Request bodies over an endpoint's limit are refused before a byte of them is read (issue 11).

Each test sends a body through Django's whole handler from a stream that counts what is read from
it, so "refused before the body is spooled" is observed, not assumed.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from platform_site import uploads

pytestmark = pytest.mark.django_db


class CountingStream:
    """A request body of ``size`` bytes that is produced only as it is read."""

    def __init__(self, size: int, byte: bytes = b"a"):
        self.size = size
        self.byte = byte
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        self.read_bytes += size
        return self.byte * size

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 65536)


def url_of(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, kwargs={"year": 2027})


def post(client, url: str, size: int, content_type="multipart/form-data; boundary=xyz"):
    body = CountingStream(size)
    response = client.generic(
        "POST", url, CONTENT_TYPE=content_type, CONTENT_LENGTH=str(size), **{"wsgi.input": body}
    )
    return response, body


@pytest.mark.parametrize("name", sorted(settings.UPLOAD_LIMITS))
def test_every_upload_endpoint_refuses_a_body_over_its_limit_unread(name, office_admin):
    client = Client()
    client.force_login(office_admin)
    limit = uploads.body_limit(name)
    response, body = post(client, url_of(name), limit + 1)
    assert response.status_code == 413
    text = response.json()["detail"] if "_api:" in name else response.content.decode()
    assert "上传的内容过大" in text
    assert body.read_bytes == 0


def test_a_549_mb_csv_to_the_object_import_is_refused_before_it_is_read(dept_admin_a):
    client = Client()
    client.force_login(dept_admin_a)
    response, body = post(client, reverse("registries:import_job_create"), 549 * uploads.MiB)
    assert response.status_code == 413
    assert "512 MB" in response.content.decode()
    assert body.read_bytes == 0


def test_the_api_answers_in_json(api_client_for, dept_admin_a):
    response, body = post(
        api_client_for(dept_admin_a),
        reverse("registries_api:import_job_create"),
        600 * uploads.MiB,
    )
    assert response.status_code == 413
    assert "上传的内容过大" in response.json()["detail"]
    assert body.read_bytes == 0


def test_the_anonymous_verification_page_takes_no_400_mb_bundle():
    response, body = post(Client(), reverse("tasks:verify"), 400 * uploads.MiB)
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_an_endpoint_without_uploads_takes_only_small_bodies(dept_admin_a):
    client = Client()
    client.force_login(dept_admin_a)
    response, body = post(
        client, reverse("accounts:logout"), uploads.DEFAULT_BODY_MAX_BYTES + 1, "application/json"
    )
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_a_body_within_the_limit_reaches_the_view(office_admin):
    # given: a body the calendar import takes (its limit is far below the default)
    client = Client()
    client.force_login(office_admin)
    url = reverse("publication:calendar_import")
    limit = uploads.body_limit("publication:calendar_import")
    # when / then: at the limit the view reads it; one byte more and nothing is read
    response, body = post(client, url, limit, "application/x-www-form-urlencoded")
    assert response.status_code != 413
    assert body.read_bytes == limit
    response, body = post(client, url, limit + 1, "application/x-www-form-urlencoded")
    assert (response.status_code, body.read_bytes) == (413, 0)


def test_a_malformed_length_is_refused():
    response = Client().generic(
        "POST", reverse("tasks:verify"), b"x", content_type="text/plain", CONTENT_LENGTH="-5"
    )
    assert response.status_code == 413


def test_every_named_limit_belongs_to_a_url():
    for name in settings.UPLOAD_LIMITS:
        assert url_of(name).startswith("/")
