"""The one Celery app. The periodic schedule lives here and only here."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings.base")

app = Celery("platform_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery entry points live in each app's jobs.py, so the `tasks` app has no confusing tasks/tasks.py.
app.autodiscover_tasks(related_name="jobs")
app.autodiscover_tasks(["platform_site"], related_name="jobs")

app.conf.beat_schedule = {
    "beat-heartbeat": {
        "task": "platform_site.jobs.beat_heartbeat",
        "schedule": 30.0,
    },
    "audit-verify-nightly": {
        "task": "accounts.jobs.audit_verify_job",
        "schedule": crontab(hour=2, minute=30),
    },
    "audit-checkpoint-hourly": {
        "task": "accounts.jobs.audit_checkpoint_job",
        "schedule": crontab(minute=0),
    },
    "draws-requeue-stuck": {
        "task": "tasks.jobs.draws_requeue_stuck_job",
        "schedule": 120.0,
    },
    "draws-verify-nightly": {
        "task": "tasks.jobs.draws_verify_job",
        "schedule": crontab(hour=2, minute=45),
    },
    "verification-requests-cleanup": {
        "task": "tasks.jobs.verification_requests_cleanup_job",
        "schedule": crontab(hour=3, minute=15),
    },
    "task-review-reminders": {
        "task": "tasks.jobs.review_reminders_job",
        "schedule": crontab(hour=9, minute=0),
    },
    "risk-classes-nightly": {
        "task": "registries.jobs.risk_classes_recompute_job",
        "schedule": crontab(hour=3, minute=0),
    },
    "registry-deferred-indexes": {
        "task": "registries.jobs.build_deferred_indexes_job",
        "schedule": 300.0,
    },
    "deadline-sweep": {
        "task": "publication.jobs.deadline_sweep_job",
        # Hourly in office hours: a missed run (downtime) is caught up by the next one.
        "schedule": crontab(hour="7-20", minute=5),
    },
    "inbox-email-catch-up": {
        "task": "accounts.jobs.notification_email_catch_up_job",
        "schedule": 300.0,
    },
    "calendar-coverage-check": {
        "task": "publication.jobs.calendar_coverage_job",
        "schedule": crontab(hour=6, minute=0),
    },
}


@beat_init.connect
def record_beat_start(sender=None, **kwargs) -> None:
    """Beat is alive from its first second, not only after the first 30-second tick."""
    from platform_site.jobs import beat_heartbeat

    beat_heartbeat.run()
