"""Open the inspections of tasks already in progress that have none (tasks started before the
inspection work was installed), and the result-entry deadlines missing from any task's inspections
(opened before the deadlines were wired). Idempotent; `manage.py inspections_open`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tasks.choices import TaskStatus
from tasks.inspections.services.deadlines import result_deadlines_backfill
from tasks.inspections.services.inspections import inspections_open
from tasks.models import Task


class Command(BaseCommand):
    help = "Open the inspections of in-progress tasks that have none."

    def handle(self, *args, **options):
        tasks = Task.objects.filter(status=TaskStatus.IN_PROGRESS, inspections__isnull=True)
        for task in tasks.distinct().order_by("pk"):
            opened = inspections_open(task=task, opened_by=None)
            self.stdout.write(f"{task.code}: {opened}")
        working = Task.objects.filter(
            status__in=[TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED], inspections__isnull=False
        )
        for task in working.distinct().order_by("pk"):
            with transaction.atomic():
                backfilled = result_deadlines_backfill(task=task)
            if backfilled:
                self.stdout.write(f"{task.code}: {backfilled} result-entry deadlines")
