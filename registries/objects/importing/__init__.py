"""Batch import of inspection objects (批量导入): validation, COPY staging and merge.

The file is opened by the platform's one upload reader (platform_site.uploads). The public entry
points are the services in :mod:`registries.objects.importing.services`; the Celery entry point is
``registries.jobs.object_import_job``.
"""
