"""`python manage.py list_draws`: one line per draw: task code, draw number, state."""

from django.core.management.base import BaseCommand

from tasks.models import Draw


class Command(BaseCommand):
    help = "List every draw: task code, draw number, state."

    def add_arguments(self, parser):
        parser.add_argument("--task", default="", help="only this task code")

    def handle(self, *args, **options):
        draws = Draw.objects.select_related("task").order_by("task__code", "number")
        if options["task"]:
            draws = draws.filter(task__code=options["task"])
        for draw in draws.iterator():
            self.stdout.write(f"{draw.task.code} {draw.number} {draw.state}")
