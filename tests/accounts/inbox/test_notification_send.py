"""notification_send / notification_send_many: who receives a notice, once per key, e-mail after
the commit only."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.choices import NotificationSeverity, Role
from accounts.inbox.services import NotificationDraft, notification_send, notification_send_many
from accounts.models import Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _recipients(notifications):
    return sorted(n.recipient.username for n in notifications)


def test_users_receive_one_row_each_and_frozen_accounts_none(staff_a, staff_b):
    frozen = UserFactory(username="frozen_a", department=staff_a.department, is_active=False)
    sent = notification_send(
        kind="test.plain", title="标题", users=[staff_a, staff_b, frozen, staff_a]
    )
    assert _recipients(sent) == ["staff_a", "staff_b"]
    assert {n.severity for n in sent} == {NotificationSeverity.INFO}


def test_department_notice_goes_to_the_designated_liaison_only(
    department_a, liaison_a, dept_admin_a
):
    other_liaison = UserFactory(
        username="liaison_a2", department=department_a, roles=[Role.LIAISON]
    )
    department_a.liaison = other_liaison
    department_a.save(update_fields=["liaison"])
    sent = notification_send(kind="test.dept", title="部门通知", liaison_of=[department_a])
    assert _recipients(sent) == ["liaison_a2"]


def test_without_a_designated_liaison_the_liaison_role_accounts_stand_in(
    department_a, liaison_a, dept_admin_a, staff_a
):
    sent = notification_send(kind="test.dept", title="部门通知", liaison_of=[department_a])
    assert _recipients(sent) == ["liaison_a"]


def test_a_frozen_or_moved_designated_liaison_falls_back(department_a, department_b, liaison_a):
    moved = UserFactory(username="moved", department=department_b, roles=[Role.LIAISON])
    department_a.liaison = moved
    department_a.save(update_fields=["liaison"])
    sent = notification_send(kind="test.dept", title="部门通知", liaison_of=[department_a])
    assert _recipients(sent) == ["liaison_a"]


def test_a_department_with_no_liaison_at_all_reaches_its_admins(
    department_b, dept_admin_b, staff_b
):
    sent = notification_send(kind="test.dept", title="部门通知", liaison_of=[department_b])
    assert _recipients(sent) == ["admin_b"]


def test_admins_and_office_with_distinct_recipients(
    department_a, dept_admin_a, office_admin, liaison_a
):
    sent = notification_send(
        kind="test.escalate",
        title="逾期",
        severity=NotificationSeverity.RED,
        admins_of=[department_a],
        office=True,
        users=[office_admin],
        department=department_a,
    )
    assert _recipients(sent) == ["admin_a", "office_admin"]
    assert {(n.severity, n.department_id) for n in sent} == {("red", department_a.pk)}


def test_a_repeated_send_with_the_same_key_notifies_once(liaison_a, staff_a):
    first = notification_send(kind="test.key", title="一次", users=[liaison_a], dedupe_key="k:1")
    second = notification_send(
        kind="test.key", title="一次", users=[liaison_a, staff_a], dedupe_key="k:1"
    )
    assert _recipients(first) == ["liaison_a"]
    assert _recipients(second) == ["staff_a"]  # only the recipient that had not had it
    assert Notification.objects.filter(dedupe_key="k:1").count() == 2
    # Without a key, the same notice may be sent again.
    notification_send(kind="test.key", title="再次", users=[liaison_a])
    notification_send(kind="test.key", title="再次", users=[liaison_a])
    assert Notification.objects.filter(title="再次").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", "purple"),
        ("title", "  "),
        ("kind", ""),
        ("url", "https://evil.example/"),
        ("url", "//evil.example/"),
        ("url", "/\\evil.example/"),
        ("url", "javascript:alert(1)"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(staff_a, field, value):
    kwargs = {"kind": "test.bad", "title": "标题", "users": [staff_a]} | {field: value}
    with pytest.raises(ValidationError):
        notification_send(**kwargs)
    assert not Notification.objects.exists()


def test_send_many_inserts_every_draft_in_a_constant_number_of_queries(
    django_assert_max_num_queries, department_a, department_b, liaison_a, dept_admin_b, office_admin
):
    drafts = [
        NotificationDraft(
            kind="test.many",
            title=f"期限 {n}",
            severity=NotificationSeverity.YELLOW,
            department_id=department_a.pk if n % 2 else department_b.pk,
            liaison_of=(department_a.pk if n % 2 else department_b.pk,),
            office=n % 10 == 0,
            dedupe_key=f"many:{n}",
        )
        for n in range(300)
    ]
    with django_assert_max_num_queries(8):
        ids = notification_send_many(drafts=drafts)
    assert len(ids) == 300 + 30
    assert notification_send_many(drafts=drafts) == []


def test_email_is_queued_after_the_commit_and_never_for_a_rollback(
    django_capture_on_commit_callbacks, liaison_a
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(kind="test.mail", title="回滚", users=[liaison_a])
        raise RuntimeError
    assert mail.outbox == [] and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_send(
            kind="test.mail",
            title="已提交",
            body="正文",
            url="/tasks/",
            severity=NotificationSeverity.RED,
            users=[liaison_a],
        )
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [[liaison_a.email]]
    assert mail.outbox[0].subject == "【已逾期】已提交"
    assert "/tasks/" in mail.outbox[0].body
    notification = Notification.objects.get()
    assert notification.emailed_at is not None and notification.email_to == liaison_a.email


def test_nobody_to_notify_is_not_an_error(department_b):
    assert notification_send(kind="test.none", title="无人", liaison_of=[department_b]) == []
