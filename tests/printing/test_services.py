"""The one document mechanism: a request queues one render after the commit, the job renders once,
the file is cached until the data it shows changes, and the file lives outside the web roots."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.utils import timezone

from printing.choices import DocumentStatus
from printing.kinds import get_kind
from printing.models import PrintedDocument
from printing.services import document_path, document_render, document_request

pytestmark = pytest.mark.django_db


def _request(kind_name, params, user):
    kind = get_kind(kind_name)
    cleaned = kind.clean_params(params)
    return document_request(
        kind=kind, params=cleaned, subject=kind.authorize(user, cleaned), requested_by=user
    )


def test_a_request_queues_one_render_and_a_repeat_while_rendering_queues_none(
    drawn, staff_a, staff_b, django_capture_on_commit_callbacks
):
    # given a draw record nobody asked for yet
    with django_capture_on_commit_callbacks() as first:
        document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    # when two more people ask before the job ran
    with django_capture_on_commit_callbacks() as repeats:
        again = _request("tasks.draw_record", {"draw": drawn.pk}, staff_b)
        third = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    # then one row, one queued render
    assert len(first) == 1 and len(repeats) == 0
    assert again.pk == third.pk == document.pk
    assert document.status == DocumentStatus.QUEUED
    assert PrintedDocument.objects.filter(kind="tasks.draw_record").count() == 1


def test_the_job_renders_once_and_a_second_delivery_does_nothing(drawn, staff_a):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    rendered = document_render(document_id=document.pk)
    assert rendered.status == DocumentStatus.READY
    assert document_path(rendered).read_bytes()[:4] == b"%PDF"
    assert rendered.page_count >= 1 and rendered.attempts == 1
    assert document_render(document_id=document.pk) is None
    rendered.refresh_from_db()
    assert rendered.attempts == 1


def test_the_cached_file_is_served_until_the_data_it_shows_changes(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    # given a rendered draw record
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    document_render(document_id=document.pk)
    old_path = document_path(PrintedDocument.objects.get(pk=document.pk))
    # when nothing changed, the same ready row answers and nothing is queued
    with django_capture_on_commit_callbacks() as callbacks:
        cached = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert cached.pk == document.pk and cached.is_ready and not callbacks
    # when an object the record lists is renamed
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    drawn_object.inspection_object.name = "改名后的企业有限公司"
    drawn_object.inspection_object.save(update_fields=["name"])
    with django_capture_on_commit_callbacks() as callbacks:
        fresh = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    # then a new document is queued, and once it is ready the superseded file is deleted
    assert fresh.pk != document.pk and fresh.status == DocumentStatus.QUEUED and len(callbacks) == 1
    document_render(document_id=fresh.pk)
    assert not old_path.exists()
    assert PrintedDocument.objects.get(pk=document.pk).status == DocumentStatus.STALE


def test_data_changing_while_queued_marks_the_row_stale_and_writes_no_file(drawn, staff_a):
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    document = _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_a)
    drawn_object.inspection_object.address = "临江市新地址 8 号"
    drawn_object.inspection_object.save(update_fields=["address"])
    document = document_render(document_id=document.pk)
    assert document.status == DocumentStatus.STALE and document.file_name == ""
    assert not any(
        Path(settings.DOCUMENTS_ROOT, "tasks.inspection_notice").glob(f"{document.pk}-*")
    )
    # the next request asks for the current data
    fresh = _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_a)
    assert fresh.pk != document.pk and fresh.status == DocumentStatus.QUEUED


def test_a_failed_or_abandoned_render_is_queued_again_by_the_next_request(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    PrintedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.FAILED, failure_reason="OSError: disk full"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        revived = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert revived.pk == document.pk and revived.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1
    # a render whose worker died an hour ago is claimable again; a fresh one is not
    PrintedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.RENDERING, claimed_at=timezone.now()
    )
    assert document_render(document_id=document.pk) is None
    PrintedDocument.objects.filter(pk=document.pk).update(
        claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert document_render(document_id=document.pk).status == DocumentStatus.READY


def test_a_ready_row_whose_file_went_missing_is_rendered_again(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    document = document_render(document_id=document.pk)
    document_path(document).unlink()
    with django_capture_on_commit_callbacks() as callbacks:
        again = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert again.pk == document.pk and again.status == DocumentStatus.QUEUED and callbacks


def test_printing_a_task_form_is_recorded_in_the_audit_trail(drawn, staff_b):
    from accounts.models import AuditEvent

    drawn_object = drawn.drawn_objects.first()
    _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_b)
    event = AuditEvent.objects.filter(action="document.requested").get()
    assert event.actor == staff_b
    assert event.details["kind"] == "tasks.inspection_notice"
    assert event.target_id == str(drawn.task.pk)


def test_documents_are_stored_outside_the_web_roots_and_a_check_refuses_otherwise(
    settings, tmp_path
):
    documents = Path(settings.DOCUMENTS_ROOT).resolve()
    for root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert Path(root).resolve() not in (documents, *documents.parents)
    assert not [e for e in run_checks() if e.id == "printing.E001"]
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    assert [e.id for e in run_checks() if e.id == "printing.E001"] == ["printing.E001"]


def test_a_printed_document_cannot_fetch_files_or_network_resources(tmp_path):
    from printing.rendering import write_pdf

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    seen = []

    import printing.rendering as rendering

    fetcher = rendering._url_fetcher()
    for url in (f"file://{secret}", "http://127.0.0.1:9/x.png"):
        try:
            fetcher.fetch(url)
        except ValueError as error:
            seen.append(str(error))
    assert len(seen) == 2
    assert fetcher.fetch("qr:https://example.test/x").read().startswith(b"<svg")
    pages = write_pdf(f'<img src="file://{secret}"><p>正文</p>', tmp_path / "out.pdf")
    assert pages == 1
