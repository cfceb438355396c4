"""Batch import of inspection objects (批量导入): reader, validation, COPY staging and merge.

The public entry points are the services in :mod:`registries.importing.services`; the Celery entry
point is ``registries.jobs.object_import_job``.
"""
