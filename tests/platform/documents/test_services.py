"""The one document mechanism: a request queues one render after the commit, the job renders once,
the file is cached until the data it shows changes, and the file lives outside the web roots."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.checks import run_checks

from platform_site import documents
from platform_site.documents import (
    DocumentStatus,
    document_get,
    document_render,
    document_request,
    get_kind,
)

pytestmark = pytest.mark.django_db


def _request(kind_name, params, user):
    kind = get_kind(kind_name)
    cleaned = kind.clean_params(params)
    return document_request(
        kind=kind, params=cleaned, subject=kind.authorize(user, cleaned), requested_by=user
    )


def _render(document):
    return document_render(
        kind_name=document.kind, params=document.params, fingerprint=document.fingerprint
    )


@pytest.fixture
def renders(monkeypatch):
    """Counts WeasyPrint documents actually laid out."""
    calls = []
    write_pdf = documents.write_pdf

    def counting(*args, **kwargs):
        calls.append(1)
        return write_pdf(*args, **kwargs)

    monkeypatch.setattr(documents, "write_pdf", counting)
    return calls


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
    # then one document, one queued render
    assert len(first) == 1 and len(repeats) == 0
    assert again.id == third.id == document.id
    assert again.status == DocumentStatus.QUEUED


def test_the_job_renders_once_and_a_second_delivery_does_nothing(drawn, staff_a, renders):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    rendered = _render(document)
    assert rendered.status == DocumentStatus.READY and rendered.page_count >= 1
    assert rendered.path.read_bytes()[:4] == b"%PDF"
    assert len(renders) == 1
    again = _render(document)
    assert again.is_ready and len(renders) == 1
    # and while one run holds the render, another delivery returns at once
    cache.add(documents._claim_key(document.id), "busy")
    rendered.path.unlink()
    assert _render(document) is None and len(renders) == 1


def test_the_cached_file_is_served_until_the_data_it_shows_changes(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    # given a rendered draw record
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    old_path = _render(document).path
    # when nothing changed (not even elsewhere on the platform), the same file answers
    with django_capture_on_commit_callbacks() as callbacks:
        cached = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert cached.id == document.id and cached.is_ready and not callbacks
    # when an object the record lists is renamed
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    drawn_object.inspection_object.name = "改名后的企业有限公司"
    drawn_object.inspection_object.save(update_fields=["name"])
    with django_capture_on_commit_callbacks() as callbacks:
        fresh = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    # then a new document is queued, and once it is ready the superseded file is deleted
    assert fresh.id != document.id and fresh.status == DocumentStatus.QUEUED and len(callbacks) == 1
    assert _render(fresh).is_ready
    assert not old_path.exists()
    assert document_get(document.id).status == DocumentStatus.STALE


def test_data_changing_while_queued_marks_it_stale_and_writes_no_file(drawn, staff_a):
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    document = _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_a)
    drawn_object.inspection_object.address = "临江市新地址 8 号"
    drawn_object.inspection_object.save(update_fields=["address"])
    rendered = _render(document)
    assert rendered.status == DocumentStatus.STALE
    assert not list(rendered.path.parent.glob("*.pdf"))
    # the next request asks for the current data
    fresh = _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_a)
    assert fresh.id != document.id and fresh.status == DocumentStatus.QUEUED


def test_a_failed_render_is_queued_again_by_the_next_request(
    drawn, staff_a, monkeypatch, django_capture_on_commit_callbacks
):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "write_pdf", broken)
    with pytest.raises(OSError):
        _render(document)
    failed = document_get(document.id)
    assert failed.status == DocumentStatus.FAILED and "disk full" in failed.failure_reason
    monkeypatch.undo()
    with django_capture_on_commit_callbacks() as callbacks:
        revived = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert revived.id == document.id and revived.status == DocumentStatus.QUEUED
    assert len(callbacks) == 1
    assert _render(revived).is_ready


def test_the_lock_of_a_render_whose_worker_died_expires_with_the_lease(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    document = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    ttl = cache._cache.get_client().ttl(cache.make_key(documents._lock_key(document.id)))
    assert 0 < ttl <= documents.RENDER_LEASE_SECONDS
    # (the worker died: the lease runs out)
    cache.delete(documents._lock_key(document.id))
    with django_capture_on_commit_callbacks() as callbacks:
        _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert len(callbacks) == 1


def test_a_ready_document_whose_file_went_missing_is_rendered_again(
    drawn, staff_a, django_capture_on_commit_callbacks
):
    document = _render(_request("tasks.draw_record", {"draw": drawn.pk}, staff_a))
    document.path.unlink()
    with django_capture_on_commit_callbacks() as callbacks:
        again = _request("tasks.draw_record", {"draw": drawn.pk}, staff_a)
    assert again.id == document.id and again.status == DocumentStatus.QUEUED and callbacks


def test_printing_a_task_form_is_recorded_in_the_audit_trail(drawn, staff_b):
    from accounts.models import AuditEvent

    drawn_object = drawn.drawn_objects.first()
    _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_b)
    _request("tasks.inspection_notice", {"drawn_object": drawn_object.pk}, staff_b)
    event = AuditEvent.objects.filter(action="document.requested").get()
    assert event.actor == staff_b
    assert event.details["kind"] == "tasks.inspection_notice"
    assert event.target_id == str(drawn.task.pk)


def test_documents_are_stored_outside_the_web_roots_and_a_check_refuses_otherwise(
    settings, tmp_path
):
    root = Path(settings.DOCUMENTS_ROOT).resolve()
    for web_root in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        assert Path(web_root).resolve() not in (root, *root.parents)
    assert not [e for e in run_checks() if e.id == "platform_site.E001"]
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    assert [e.id for e in run_checks() if e.id == "platform_site.E001"] == ["platform_site.E001"]


def test_a_printed_document_cannot_fetch_files_or_network_resources(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not really a png")
    fetcher = documents._url_fetcher()
    refused = []
    for url in (f"file://{secret}", "http://127.0.0.1:9/x.png"):
        with pytest.raises(ValueError) as error:
            fetcher.fetch(url)
        refused.append(str(error.value))
    assert len(refused) == 2
    assert fetcher.fetch("qr:https://example.test/x").read().startswith(b"<svg")
    assert documents.write_pdf(f'<img src="file://{secret}"><p>正文</p>', tmp_path / "a.pdf") == 1
