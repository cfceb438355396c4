from django.core import mail

from plans.jobs import notification_email_job
from plans.models import Notification


def test_notification_email_job_is_idempotent(liaison_a, staff_a):
    first = Notification.objects.create(
        recipient=liaison_a, title="通知", body="正文", url="/plans/2027/"
    )
    second = Notification.objects.create(recipient=staff_a, title="通知", body="正文")
    assert notification_email_job([first.pk, second.pk]) == 2
    assert notification_email_job([first.pk, second.pk]) == 0
    assert len(mail.outbox) == 2
    assert "/plans/2027/" in mail.outbox[0].body


def test_job_skips_vanished_notifications(db):
    assert notification_email_job([999999]) == 0
