"""The projection follows the results' publication: `result_publish` saves the result with
`published_version` among its update_fields, in its transaction; the projection row is written in
the same transaction (tasks may not call the public site, which sits above it)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from tasks.inspections.models import InspectionResult


@receiver(post_save, sender=InspectionResult)
def project_published_result(sender, instance: InspectionResult, update_fields=None, **kwargs):
    if instance.published_version_id is None:
        return
    if update_fields is not None and "published_version" not in update_fields:
        return
    from publication.site.services import public_result_sync

    public_result_sync(result=instance)
