"""The public verification page and API cap the work (issue 11): they stop at the first failed
check, never re-compute more than VERIFY_MAX_ATTEMPTS attempts, and verify a large bundle in a
Celery job whose result page anyone holding the link can read."""

import json
from pathlib import Path

import pytest

from tasks.choices import VerificationStatus
from tasks.models import VerificationRequest

pytestmark = pytest.mark.django_db

KAT = Path(__file__).parent / "draw" / "kat" / "draw-protocol-kat.json"


@pytest.fixture
def kat_text() -> str:
    return KAT.read_text(encoding="utf-8")


def test_a_small_bundle_is_verified_in_the_request_with_head_and_commitment(kat_text, client_for):
    bundle = json.loads(kat_text)
    response = client_for(None).post("/tasks/verify/", {"bundle_text": kat_text})
    page = response.content.decode()
    assert 'data-verdict="valid"' in page
    assert bundle["log"][-1]["hash"] in page and bundle["log"][0]["data"]["commitment"] in page
    assert not VerificationRequest.objects.exists()


def test_the_page_checks_the_archived_announcement(kat_text, client_for):
    bundle = json.loads(kat_text)
    forged_announce = dict(bundle["log"][0], hash="0" * 64)
    page = (
        client_for(None)
        .post(
            "/tasks/verify/",
            {
                "bundle_text": kat_text,
                "announcement_text": json.dumps({"announce": forged_announce}),
            },
        )
        .content.decode()
    )
    assert "announcement_mismatch" in page
    page = (
        client_for(None)
        .post("/tasks/verify/", {"bundle_text": kat_text, "head": bundle["log"][0]["hash"]})
        .content.decode()
    )
    assert 'data-verdict="valid"' in page


def test_the_page_recomputes_no_more_than_its_attempt_limit(client_for, settings):
    from tests.tasks.draw.test_verify_limits import _forged_success, _hopeless

    # a self-consistent bundle that claims success at attempt 150 of 200
    bundle = _forged_success(_hopeless(200), attempt=150)
    page = (
        client_for(None)
        .post("/tasks/verify/", {"bundle_text": json.dumps(bundle)})
        .content.decode()
    )
    assert "work_limit" in page and "未验证" in page
    settings.VERIFY_MAX_ATTEMPTS = 200
    page = (
        client_for(None)
        .post("/tasks/verify/", {"bundle_text": json.dumps(bundle)})
        .content.decode()
    )
    assert "recompute_failed" in page


def test_a_large_bundle_is_verified_by_a_job_with_a_result_page(
    kat_text, client_for, settings, django_capture_on_commit_callbacks
):
    settings.VERIFY_INLINE_MAX_BYTES = 1000
    client = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tasks/verify/", {"bundle_text": kat_text})
    assert response.status_code == 302
    verification = VerificationRequest.objects.get()
    assert response["Location"] == f"/tasks/verify/{verification.token}/"
    assert verification.status == VerificationStatus.DONE
    page = client.get(response["Location"]).content.decode()
    assert 'data-verdict="valid"' in page
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="verify-status"' in fragment and "hx-trigger" not in fragment


def test_a_queued_job_polls_until_done(kat_text, client_for, settings):
    settings.VERIFY_INLINE_MAX_BYTES = 1000
    client = client_for(None)
    response = client.post("/tasks/verify/", {"bundle_text": kat_text})  # job not run yet
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 3s"' in page and "排队中" in page


def test_too_many_waiting_jobs_are_refused(kat_text, client_for, settings):
    settings.VERIFY_INLINE_MAX_BYTES = 1000
    settings.VERIFY_MAX_PENDING = 1
    client = client_for(None)
    client.post("/tasks/verify/", {"bundle_text": kat_text})
    page = client.post("/tasks/verify/", {"bundle_text": kat_text}, follow=True).content.decode()
    assert "请稍后再试" in page
    assert VerificationRequest.objects.count() == 1


def test_the_job_is_idempotent(kat_text, settings, django_capture_on_commit_callbacks):
    from tasks.jobs import verification_request_job
    from tasks.verification import verification_request_create

    verification = verification_request_create(text=kat_text)
    assert verification_request_job(verification.pk) == VerificationStatus.DONE
    assert verification_request_job(verification.pk) == VerificationStatus.DONE
    verification.refresh_from_db()
    assert verification.report["valid"] is True


def test_the_api_verifies_small_bundles_and_queues_large_ones(
    kat_text, api_client_for, settings, django_capture_on_commit_callbacks
):
    client = api_client_for(None)
    bundle = json.loads(kat_text)
    response = client.post("/api/v1/tasks/verify/", {"bundle": bundle}, format="json")
    assert response.status_code == 200 and response.json()["valid"] is True
    assert response.json()["head"] == bundle["log"][-1]["hash"]
    settings.VERIFY_INLINE_MAX_BYTES = 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/tasks/verify/", {"bundle": bundle}, format="json")
    assert response.status_code == 202
    result = client.get(response.json()["url"]).json()
    assert result["status"] == "done" and result["report"]["valid"] is True


def test_old_verification_requests_are_deleted(kat_text):
    from datetime import timedelta

    from django.utils import timezone

    from tasks.verification import verification_request_create, verification_requests_delete_old

    verification = verification_request_create(text=kat_text)
    VerificationRequest.objects.filter(pk=verification.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    assert verification_requests_delete_old() == 1
