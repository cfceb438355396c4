"""Celery entry points of the registries app. Each receives ids and calls one service."""

from celery import shared_task

from registries.objects.importing.merge import build_deferred_indexes
from registries.objects.importing.services import import_job_run


@shared_task(
    bind=True,
    name="registries.jobs.object_import_job",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=40,
)
def object_import_job(self, job_id: int) -> dict | None:
    """Batch import of inspection objects. Safe to deliver twice (the service claims the job).

    None from the service means another session holds the job's lock: a second delivery while the
    first run works, or a dead worker whose database session PostgreSQL has not reaped yet. Try
    again later; by then the job has either finished (no-op) or is free to restart.
    """
    job = import_job_run(job_id=job_id)
    if job is None:
        raise self.retry(countdown=15)
    return {
        "id": job.pk,
        "status": job.status,
        "inserted": job.inserted_count,
        "updated": job.updated_count,
    }


@shared_task(name="registries.jobs.build_deferred_indexes_job", acks_late=True)
def build_deferred_indexes_job() -> list[str]:
    """The search and filter indexes a bulk load left to build after its commit. Queued by the load
    and run by beat every few minutes as well, so an interrupted build is finished later."""
    return build_deferred_indexes()


@shared_task(name="registries.jobs.risk_classes_recompute_job", acks_late=True, max_retries=3)
def risk_classes_recompute_job(
    department_id: int | None = None, object_ids: list[int] | None = None
) -> dict:
    """Recompute the fused credit-risk classes (after an import of general classes, a new rule
    version, a published result, and nightly). Idempotent: unchanged classes write nothing."""
    from accounts.models import Department
    from registries.credit.services import risk_classes_recompute

    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            return {"closed": 0, "written": 0}
    return risk_classes_recompute(department=department, object_ids=object_ids)
