from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import verify_chain
from accounts.checkpoints import checkpoint_write
from accounts.nightly import nightly_check_record

# A notice whose e-mail job was never queued (broker down at the commit) is picked up by the
# catch-up job once it is this old, leaving the normal job time to run first.
EMAIL_CATCH_UP_AFTER = timedelta(minutes=5)
EMAIL_CATCH_UP_BATCH = 500


@shared_task
def audit_verify_job() -> dict:
    """Nightly re-computation of the audit chain against every signed checkpoint; the result is
    kept in the result backend."""
    report = verify_chain()
    problems = [report.problem] if report.problem else []
    problems += list(report.checkpoint_problems)
    nightly_check_record(
        name="audit",
        title=_("审计链"),
        ok=report.ok,
        detail=(
            _("已核验 %(checked)d 条事件，%(matched)d 个签名检查点一致。")
            % {"checked": report.checked, "matched": report.checkpoints_matched}
            if report.ok
            else "; ".join(str(problem) for problem in problems)
        ),
        url="/status/",
    )
    return {
        "ok": report.ok,
        "checked": report.checked,
        "broken_seq": report.broken_seq,
        "problem": report.problem,
        "checkpoints_matched": report.checkpoints_matched,
        "checkpoint_problems": list(report.checkpoint_problems),
        "head": report.head_hash,
    }


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email_job(notification_ids: list[int]) -> int:
    """E-mail copies of inbox notices. Idempotent and retry-safe: each notice is sent under its
    row lock and marked in the same transaction (`notification_email_send`), so a repeat run or
    a second worker sends nothing twice and a failed send is retried. Returns mails sent."""
    from accounts.inbox.services import notification_email_send

    return sum(
        notification_email_send(notification_id=notification_id)
        for notification_id in notification_ids
    )


@shared_task
def notification_email_catch_up_job() -> int:
    """Every few minutes: send the e-mails of notices whose job never ran (queued while the
    broker was down, or lost). Same service, so never twice."""
    from accounts.inbox.services import notification_email_send
    from accounts.models import Notification

    if not settings.NOTIFICATION_EMAIL:
        return 0
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True, created_at__lt=timezone.now() - EMAIL_CATCH_UP_AFTER
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:EMAIL_CATCH_UP_BATCH]
    )
    return sum(notification_email_send(notification_id=pk) for pk in ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def audit_checkpoint_job() -> dict:
    """Hourly (beat) and after every draw: sign the chain's head and append it to the checkpoint
    log. A repeated run appends another true checkpoint, which is harmless."""
    checkpoint = checkpoint_write()
    return {"seq": checkpoint.seq, "head": checkpoint.head, "at": checkpoint.at}
