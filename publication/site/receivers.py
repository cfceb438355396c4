"""The projection follows the results' publication: `result_publish` saves the result with
`published_version` among its update_fields, in its transaction; the projection row is written in
the same transaction (tasks may not call the public site, which sits above it).

The cached public pages follow what they show (publication.pagecache): the public task page shows
every draw of a task from its announcement on (state, witnesses, log, withdrawals, voids,
replacements), and the home page the departments. Every step of a draw's ceremony appends to its
log (`DrawLogEntry`), and state changes that save the draw or the task save them; each makes the
cached pages stale after the commit. Publications, corrections and objection decisions do so in
their services (publication.site.services)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Department
from publication.pagecache import public_cache_invalidate
from tasks.inspections.models import InspectionResult
from tasks.models import Draw, DrawLogEntry, DrawReview, Task


@receiver(post_save, sender=InspectionResult)
def project_published_result(sender, instance: InspectionResult, update_fields=None, **kwargs):
    if instance.published_version_id is None:
        return
    if update_fields is not None and "published_version" not in update_fields:
        return
    from publication.site.services import public_result_sync

    public_result_sync(result=instance)


@receiver(post_save, sender=DrawLogEntry)
@receiver(post_save, sender=Draw)
@receiver(post_save, sender=DrawReview)
@receiver(post_save, sender=Task)
@receiver(post_save, sender=Department)
def public_pages_stale(sender, raw=False, **kwargs) -> None:
    if not raw:
        public_cache_invalidate()
