"""What the inspection record tells the credit-risk classification (registries.credit): results
that found problems and open follow-up measures, as SQL the classification joins by object; and
the recomputation queued when a result is published."""

from __future__ import annotations

from django.db import transaction

from registries.credit.signals import register_record_signal
from tasks.inspections.choices import PROBLEM_CATEGORIES

_CATEGORIES = ", ".join(f"'{category}'" for category in sorted(PROBLEM_CATEGORIES))

# The version that counts is the published one, else the latest approved (a correction in
# progress changes nothing until it is approved).
PROBLEMS_SQL = f"""
    SELECT i.inspection_object_id AS object_id, count(*) AS n, max(v.completed_on) AS last_on
    FROM tasks_inspectionresult r
    JOIN tasks_inspection i ON i.id = r.inspection_id
    JOIN tasks_resultversion v ON v.id = COALESCE(r.published_version_id, r.approved_version_id)
    WHERE v.categories && ARRAY[{_CATEGORIES}]::varchar[]
      AND v.completed_on >= %(problems_since)s
    GROUP BY 1
"""

OPEN_MEASURES_SQL = """
    SELECT i.inspection_object_id AS object_id, count(*) AS n
    FROM tasks_followupmeasure fm
    JOIN tasks_inspectionresult r ON r.id = fm.result_id
    JOIN tasks_inspection i ON i.id = r.inspection_id
    WHERE fm.status = 'open'
    GROUP BY 1
"""


def result_published(sender, instance, update_fields=None, **kwargs) -> None:
    """A published result may change the object's classes: recompute that object after commit."""
    if not update_fields or "published_version" not in update_fields:
        return
    from registries.jobs import risk_classes_recompute_job

    object_id = instance.inspection.inspection_object_id
    transaction.on_commit(lambda: risk_classes_recompute_job.delay(object_ids=[object_id]))


def register() -> None:
    from django.db.models.signals import post_save

    from tasks.inspections.models import InspectionResult

    register_record_signal("problems", PROBLEMS_SQL)
    register_record_signal("open_measures", OPEN_MEASURES_SQL)
    post_save.connect(result_published, sender=InspectionResult, dispatch_uid="risk_class_publish")
