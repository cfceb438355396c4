"""Attachments are judged by their bytes (type, decodability, size, active PDF content), stored
outside the web root under a random name, and withdrawn (never deleted) with a reason."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.inspections.choices import AttachmentKind
from tasks.inspections.models import Attachment
from tasks.inspections.services.attachments import attachment_add_to_record, attachment_withdraw
from tasks.inspections.storage import check_upload
from tests.tasks.inspections.builders import jpeg_bytes, pdf_bytes, png_bytes, record_of


def _add(record, user, data: bytes, name="x.jpg", kind=AttachmentKind.PHOTO):
    return attachment_add_to_record(
        record=record,
        uploaded_by=user,
        upload=SimpleUploadedFile(name, data),
        name=name,
        kind=kind,
    )


# --- content checks (no database) ----------------------------------------------------------------


def test_a_real_jpeg_png_and_pdf_pass_with_their_hash():
    assert check_upload(io.BytesIO(jpeg_bytes()), kind="photo").content_type == "image/jpeg"
    assert check_upload(io.BytesIO(png_bytes()), kind="scan").content_type == "image/png"
    checked = check_upload(io.BytesIO(pdf_bytes()), kind="test_report")
    assert checked.content_type == "application/pdf" and len(checked.sha256) == 64


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00\x03 executable",
        b"\xff\xd8\xff\xe0 truncated jpeg that does not decode",
        b"GIF89a\x01\x00\x01\x00",
    ],
)
def test_content_that_is_not_an_allowed_file_is_refused_whatever_its_name(data):
    with pytest.raises(ValidationError):
        check_upload(io.BytesIO(data), kind="other")


def test_a_photo_must_be_an_image_not_a_pdf():
    with pytest.raises(ValidationError):
        check_upload(io.BytesIO(pdf_bytes()), kind="photo")


@pytest.mark.parametrize("token", [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile"])
def test_a_pdf_with_scripts_or_embedded_files_is_refused(token):
    with pytest.raises(ValidationError):
        check_upload(io.BytesIO(pdf_bytes(b"<< " + token + b" (x) >>")), kind="scan")


def test_size_and_pixel_limits_hold(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        check_upload(io.BytesIO(pdf_bytes(b"%" + b"0" * 2000)), kind="scan")
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    settings.ATTACHMENT_MAX_PIXELS = 100
    with pytest.raises(ValidationError):
        check_upload(io.BytesIO(jpeg_bytes(20, 20)), kind="photo")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=512))
def test_arbitrary_bytes_are_refused_or_are_a_checked_type(data):
    try:
        checked = check_upload(io.BytesIO(data), kind="other")
    except ValidationError:
        return
    assert checked.content_type in {"image/jpeg", "image/png", "image/webp", "application/pdf"}


# --- the service -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_stores_under_a_random_name_and_records_the_hash(started, department_a):
    record = record_of(started.first(), department_a)
    attachment = _add(record, started.leader, jpeg_bytes(), name="../../etc/passwd.jpg")
    assert attachment.original_name == "passwd.jpg"
    assert "passwd" not in attachment.file.name and attachment.file.name.endswith(".jpg")
    assert attachment.file.read() == jpeg_bytes()


@pytest.mark.django_db
def test_only_the_departments_group_members_upload(started, department_a, department_b, staff_a):
    record = record_of(started.first(), department_a)
    for user in (started.member_b, staff_a, started.leader2):
        with pytest.raises(PermissionDenied):
            _add(record, user, jpeg_bytes())


@pytest.mark.django_db
def test_withdrawal_keeps_the_file_and_needs_a_reason(started, department_a):
    record = record_of(started.first(), department_a)
    attachment = _add(record, started.leader, jpeg_bytes())
    with pytest.raises(ValidationError):
        attachment_withdraw(attachment=attachment, withdrawn_by=started.leader, reason=" ")
    attachment = attachment_withdraw(
        attachment=attachment, withdrawn_by=started.leader, reason="拍错对象"
    )
    assert attachment.withdrawn_at is not None
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert attachment.file.storage.exists(attachment.file.name)


@pytest.mark.django_db
def test_per_record_limit(started, department_a, settings):
    settings.ATTACHMENTS_PER_RECORD = 1
    record = record_of(started.first(), department_a)
    _add(record, started.leader, jpeg_bytes())
    with pytest.raises(ValidationError):
        _add(record, started.leader, png_bytes(), name="y.png")
