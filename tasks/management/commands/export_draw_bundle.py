"""`python manage.py export_draw_bundle TASK_CODE [--all] [--public] [--announcement]`: the latest
draw's bundle (§8) to stdout, or with --all a JSON list of every draw of the task that has one.

The full bundle by default (every frozen file as committed: for the office and auditors);
--public writes the public bundle (conflict rows of drawn objects only); --announcement writes
the announcement of the latest draw instead, as published before the draw."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tasks.models import Task
from tasks.services.bundles import announcement_document, draw_bundle, draw_has_bundle


class Command(BaseCommand):
    help = "Write a task's draw bundle (ssj-draw/1 §8) to standard output."

    def add_arguments(self, parser):
        parser.add_argument("task_code")
        parser.add_argument(
            "--all", action="store_true", help="every draw of the task, as a JSON list"
        )
        parser.add_argument(
            "--public", action="store_true", help="the public bundle (§8.3) instead of the full one"
        )
        parser.add_argument(
            "--announcement",
            action="store_true",
            help="the latest draw's announcement (as published before the draw)",
        )

    def handle(self, *args, **options):
        task = Task.objects.filter(code=options["task_code"]).first()
        if task is None:
            raise CommandError(f"no task {options['task_code']}")
        payload: dict[str, Any] | list[dict[str, Any]]
        if options["announcement"]:
            draw = task.draws.order_by("number").last()
            if draw is None:
                raise CommandError(f"task {task.code} has no announcement yet")
            payload = announcement_document(draw)
        else:
            draws = [d for d in task.draws.order_by("number") if draw_has_bundle(d)]
            if not draws:
                raise CommandError(f"task {task.code} has no completed draw yet")
            public = options["public"]
            payload = (
                [draw_bundle(d, public=public) for d in draws]
                if options["all"]
                else draw_bundle(draws[-1], public=public)
            )
        self.stdout.write(
            json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        )
