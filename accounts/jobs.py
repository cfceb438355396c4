from celery import shared_task

from accounts.audit import verify_chain
from accounts.checkpoints import checkpoint_write


@shared_task
def audit_verify_job() -> dict:
    """Nightly re-computation of the audit chain against every signed checkpoint; the result is
    kept in the result backend."""
    report = verify_chain()
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
def audit_checkpoint_job() -> dict:
    """Hourly (beat) and after every draw: sign the chain's head and append it to the checkpoint
    log. A repeated run appends another true checkpoint, which is harmless."""
    checkpoint = checkpoint_write()
    return {"seq": checkpoint.seq, "head": checkpoint.head, "at": checkpoint.at}
