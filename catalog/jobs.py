"""Celery entry points of the catalog app."""

from celery import shared_task


@shared_task(name="catalog.jobs.read_matter_list_job", soft_time_limit=60, time_limit=90)
def read_matter_list_job(name: str, filename: str) -> dict:
    """Read an uploaded provincial matter list in the worker (platform_site.uploads.read_in_worker):
    the web process never parses an uploaded spreadsheet."""
    from catalog.sources import read_matter_list
    from platform_site.uploads import reading_outcome, staged_path

    return reading_outcome(lambda: read_matter_list(staged_path(name), filename=filename).as_data())
