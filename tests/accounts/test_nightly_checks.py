"""The nightly audit verification's outcome reaches the office's status page, and a broken chain
reaches the office admins' inbox."""

import time

import pytest
from django.core.cache import cache

from accounts.audit import record_event
from accounts.jobs import audit_verify_job
from accounts.models import Notification
from accounts.nightly import CACHE_KEY, STALE_AFTER_SECONDS, nightly_checks
from accounts.nightly import nightly_check as check_nightly

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_outcomes():
    cache.delete_many([CACHE_KEY.format(name=name) for name in ("audit", "draws")])


def test_before_the_first_night_the_check_says_it_has_not_run():
    check = check_nightly("audit", "审计链夜间核验")
    assert check.ok and "尚未运行" in check.detail
    assert {"审计链夜间核验", "抽取夜间核验"} <= {c.name for c in nightly_checks()}


def test_a_sound_chain_is_shown_as_verified(office_admin):
    record_event(actor=office_admin, action="test.event", target=office_admin)
    audit_verify_job()
    check = check_nightly("audit", "audit")
    assert check.ok and "已核验" in check.detail
    assert not Notification.objects.filter(kind="integrity.audit").exists()


def test_a_broken_chain_turns_the_check_red_and_tells_the_office(office_admin, monkeypatch):
    from accounts.audit import ChainReport

    # The chain's own verification is tested in test_audit_chain and test_audit_drill; here,
    # what the job does with a failed one.
    broken = ChainReport(
        checked=3, head_hash="0" * 64, broken_seq=2, problem="hash mismatch at seq 2"
    )
    monkeypatch.setattr("accounts.jobs.verify_chain", lambda: broken)
    audit_verify_job()
    check = check_nightly("audit", "audit")
    assert not check.ok and "hash mismatch at seq 2" in check.detail
    notice = Notification.objects.get(recipient=office_admin, kind="integrity.audit")
    assert notice.severity == "red" and "hash mismatch" in notice.body


def test_an_outcome_older_than_two_nights_is_a_problem():
    cache.set(
        CACHE_KEY.format(name="audit"),
        {"ok": True, "detail": "ok", "finished_at": time.time() - STALE_AFTER_SECONDS - 60},
        timeout=None,
    )
    check = check_nightly("audit", "audit")
    assert not check.ok and "超过两天未运行" in check.detail
