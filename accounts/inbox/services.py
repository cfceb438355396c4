"""Writes of the inbox: sending notices (one or many, set-based), reading them, and the e-mail copy.

Interface for the other apps (names kept stable):

* `notification_send(*, kind, title, body="", url="", severity="info", users=(), liaison_of=(),
  admins_of=(), office=False, department=None, dedupe_key="") -> list[Notification]`
* `notification_send_many(*, drafts: Sequence[NotificationDraft]) -> list[int]` for periodic
  jobs that notify about thousands of items in one statement.
* `notification_mark_read(*, notification, user)`, `notification_mark_all_read(*, user)`.
* `notification_email_send(*, notification_id) -> bool`, called by the e-mail job.

Both send functions write in the caller's transaction (a rolled-back change notifies no one) and
queue the e-mail copies for after the commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import NotificationSeverity
from accounts.inbox.recipients import (
    active_user_ids,
    department_admin_ids,
    department_liaison_ids,
    office_admin_ids,
)
from accounts.models import Department, Notification, User

# How many notification ids one e-mail job carries (a beat sweep may create thousands).
EMAIL_JOB_CHUNK = 200


def _max_length(name: str) -> int:
    field = Notification._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return int(field.max_length)


TITLE_MAX = _max_length("title")
URL_MAX = _max_length("url")
KEY_MAX = _max_length("dedupe_key")
KIND_MAX = _max_length("kind")


@dataclass(frozen=True)
class NotificationDraft:
    """One notice to resolve into recipients: users by id, departments' liaisons or admins by
    department id, and/or the office. `dedupe_key` (optional) makes it once per recipient."""

    kind: str
    title: str
    body: str = ""
    url: str = ""
    severity: str = NotificationSeverity.INFO
    department_id: int | None = None
    user_ids: tuple[int, ...] = ()
    liaison_of: tuple[int, ...] = ()
    admins_of: tuple[int, ...] = ()
    office: bool = False
    dedupe_key: str = ""


SEVERITIES = frozenset(NotificationSeverity.values)
# A path on this site: one leading slash (not "//host" nor "/\\host"), no control characters.
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\x00-\x1f\x7f]*")


def _is_local_path(url: str) -> bool:
    return len(url) <= URL_MAX and _LOCAL_PATH.fullmatch(url) is not None


def _validate(draft: NotificationDraft) -> None:
    if draft.severity not in SEVERITIES:
        raise ValidationError(_("未知的通知紧急程度：%(value)s") % {"value": draft.severity})
    if not draft.kind or len(draft.kind) > KIND_MAX:
        raise ValidationError(_("通知类别不能为空，且不超过 %(max)d 个字符。") % {"max": KIND_MAX})
    if not draft.title.strip():
        raise ValidationError(_("通知标题不能为空。"))
    if draft.url and not _is_local_path(draft.url):
        # Only links inside the platform: a notice never sends anyone to another site.
        raise ValidationError(_("通知链接必须是本平台内以 / 开头的地址。"))
    if len(draft.dedupe_key) > KEY_MAX:
        raise ValidationError(_("去重键过长。"))


def _ids(values: Iterable[Department | User | int]) -> tuple[int, ...]:
    return tuple(value if isinstance(value, int) else value.pk for value in values)


def notification_send(
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    severity: str = NotificationSeverity.INFO,
    users: Iterable[User | int] = (),
    liaison_of: Iterable[Department | int] = (),
    admins_of: Iterable[Department | int] = (),
    office: bool = False,
    department: Department | None = None,
    dedupe_key: str = "",
) -> list[Notification]:
    """Notify users, departments' liaisons, departments' admins and/or the office admins: one
    row per distinct active recipient. With a `dedupe_key`, a recipient who already has a notice
    with that key gets nothing new (a repeated job run notifies once). Returns the new rows."""
    ids = notification_send_many(
        drafts=[
            NotificationDraft(
                kind=kind,
                title=str(title),
                body=str(body),
                url=url,
                severity=severity,
                department_id=department.pk if department is not None else None,
                user_ids=_ids(users),
                liaison_of=_ids(liaison_of),
                admins_of=_ids(admins_of),
                office=office,
                dedupe_key=dedupe_key,
            )
        ]
    )
    return list(Notification.objects.filter(pk__in=ids).order_by("pk"))


_INSERT_SQL = """
INSERT INTO accounts_notification
    (recipient_id, kind, severity, department_id, title, body, url, dedupe_key, created_at,
     email_to)
SELECT r.recipient_id, r.kind, r.severity, r.department_id, r.title, r.body, r.url, r.dedupe_key,
       %s, ''
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::bigint[], %s::text[], %s::text[],
            %s::text[], %s::text[])
     AS r(recipient_id, kind, severity, department_id, title, body, url, dedupe_key)
ON CONFLICT (recipient_id, dedupe_key) WHERE (NOT (dedupe_key = '')) DO NOTHING
RETURNING id
"""


def notification_send_many(*, drafts: Sequence[NotificationDraft]) -> list[int]:
    """Set-based `notification_send`: recipients of every draft are resolved with a handful of
    queries and all rows go in with one INSERT (duplicates by key skipped). Returns new ids."""
    for draft in drafts:
        _validate(draft)
    if not drafts:
        return []
    liaisons = department_liaison_ids(d for draft in drafts for d in draft.liaison_of)
    admins = department_admin_ids(d for draft in drafts for d in draft.admins_of)
    office = office_admin_ids() if any(draft.office for draft in drafts) else []
    active = active_user_ids(u for draft in drafts for u in draft.user_ids)

    columns: tuple[list[Any], ...] = ([], [], [], [], [], [], [], [])
    for draft in drafts:
        recipients: dict[int, None] = {}  # ordered and distinct
        for user_id in draft.user_ids:
            if user_id in active:
                recipients[user_id] = None
        for department_id in draft.liaison_of:
            recipients.update(dict.fromkeys(liaisons.get(department_id, ())))
        for department_id in draft.admins_of:
            recipients.update(dict.fromkeys(admins.get(department_id, ())))
        if draft.office:
            recipients.update(dict.fromkeys(office))
        title = draft.title.strip()[:TITLE_MAX]
        for recipient_id in recipients:
            for column, value in zip(
                columns,
                (
                    recipient_id,
                    draft.kind,
                    str(draft.severity),
                    draft.department_id,
                    title,
                    draft.body,
                    draft.url,
                    draft.dedupe_key,
                ),
                strict=True,
            ):
                column.append(value)
    if not columns[0]:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, [timezone.now(), *columns])
        ids = [row[0] for row in cursor.fetchall()]
    if ids and settings.NOTIFICATION_EMAIL:
        _queue_emails(ids)
    return ids


def _queue_emails(ids: list[int]) -> None:
    from accounts.jobs import notification_email_job

    chunks = [ids[start : start + EMAIL_JOB_CHUNK] for start in range(0, len(ids), EMAIL_JOB_CHUNK)]

    def queue() -> None:
        # A broker outage must not fail the request that notified: the mails stay unsent
        # (emailed_at IS NULL) and the beat catch-up job sends them later.
        for chunk in chunks:
            try:
                notification_email_job.delay(chunk)
            except Exception:
                import logging

                logging.getLogger(__name__).warning(
                    "inbox: could not queue e-mail job; beat will retry", exc_info=True
                )
                return

    transaction.on_commit(queue)


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValidationError(_("只能处理自己的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of the user as read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _email_text(notification: Notification) -> tuple[str, str]:
    subject = notification.title
    if notification.severity != NotificationSeverity.INFO:
        subject = f"【{NotificationSeverity(notification.severity).label}】{subject}"
    base_url = settings.SITE_URL.rstrip("/")
    link = f"{base_url}{notification.url}" if notification.url else ""
    body = "\n\n".join(part for part in (notification.body, link) if part)
    return subject, body


def notification_email_send(*, notification_id: int) -> bool:
    """Send the e-mail copy of one notice, once. Returns True if a mail went out.

    The row is locked (SKIP LOCKED, so a second worker moves on) and marked only in the same
    transaction as the send: a failing mail server rolls back the mark and the job's retry sends
    again. A crash between the send and the commit can send a mail twice, never zero times.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        recipient = notification.recipient
        address = recipient.email if recipient.is_active else ""
        if address:
            subject, body = _email_text(notification)
            send_mail(subject, body, None, [address])
        notification.emailed_at = timezone.now()
        notification.email_to = address
        notification.save(update_fields=["emailed_at", "email_to"])
    return bool(address)
