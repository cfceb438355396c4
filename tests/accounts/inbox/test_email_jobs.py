"""The e-mail copy: idempotent (twice = one mail), retry-safe (a failed send is sent again), and
a catch-up job for notices whose job never ran."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from accounts.jobs import notification_email_catch_up_job, notification_email_job
from accounts.models import Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notice(user, **fields):
    return Notification.objects.create(
        recipient=user, kind="test.mail", title="通知", body="正文", url="/plans/2027/", **fields
    )


def test_the_job_sends_each_mail_once(liaison_a, staff_a):
    first, second = _notice(liaison_a), _notice(staff_a)
    assert notification_email_job([first.pk, second.pk]) == 2
    assert notification_email_job([first.pk, second.pk]) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([liaison_a.email, staff_a.email])
    assert "/plans/2027/" in mail.outbox[0].body


def test_a_failed_send_is_not_marked_and_the_retry_sends_it(liaison_a):
    notice = _notice(liaison_a)
    with (
        mock.patch("accounts.inbox.services.send_mail", side_effect=OSError("smtp down")),
        pytest.raises(OSError),
    ):
        notification_email_job.run([notice.pk])
    notice.refresh_from_db()
    assert notice.emailed_at is None
    assert notification_email_job([notice.pk]) == 1
    assert len(mail.outbox) == 1


def test_an_account_without_address_is_marked_without_a_mail(department_a):
    no_mail = UserFactory(username="no_mail", department=department_a, email="")
    notice = _notice(no_mail)
    assert notification_email_job([notice.pk]) == 0
    notice.refresh_from_db()
    assert notice.emailed_at is not None and notice.email_to == ""
    assert mail.outbox == []


def test_vanished_notices_are_skipped(db):
    assert notification_email_job([999_999]) == 0


def test_catch_up_sends_old_unsent_notices_only(liaison_a, staff_a, settings):
    old = _notice(liaison_a, created_at=timezone.now() - timedelta(minutes=30))
    _notice(staff_a)  # fresh: its own job is still expected to run
    _notice(staff_a, created_at=timezone.now() - timedelta(hours=1), emailed_at=timezone.now())
    assert notification_email_catch_up_job() == 1
    assert [m.to for m in mail.outbox] == [[liaison_a.email]]
    old.refresh_from_db()
    assert old.emailed_at is not None
    assert notification_email_catch_up_job() == 0
    settings.NOTIFICATION_EMAIL = False
    _notice(liaison_a, created_at=timezone.now() - timedelta(minutes=30))
    assert notification_email_catch_up_job() == 0
