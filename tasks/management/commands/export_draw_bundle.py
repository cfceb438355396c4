"""`python manage.py export_draw_bundle TASK_CODE [--all]`: the latest draw's bundle (§8) to stdout,
or with --all a JSON list of every draw of the task that has a bundle."""

import json

from django.core.management.base import BaseCommand, CommandError

from tasks.models import Task
from tasks.services.draws import draw_bundle, draw_has_bundle


class Command(BaseCommand):
    help = "Write a task's draw bundle (ssj-draw/1 §8) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("task_code")
        parser.add_argument(
            "--all", action="store_true", help="every draw of the task, as a JSON list"
        )

    def handle(self, *args, **options):
        task = Task.objects.filter(code=options["task_code"]).first()
        if task is None:
            raise CommandError(f"no task {options['task_code']}")
        draws = [d for d in task.draws.order_by("number") if draw_has_bundle(d)]
        if not draws:
            raise CommandError(f"task {task.code} has no completed draw yet")
        payload = [draw_bundle(d) for d in draws] if options["all"] else draw_bundle(draws[-1])
        self.stdout.write(
            json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        )
