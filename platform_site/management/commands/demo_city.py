import unicodedata
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

# Each capability adds its builder here, in dependency order. Every builder is idempotent.
DEMO_BUILDERS = [
    "accounts.demo",
    "publication.demo",
    "catalog.demo",
    "registries.objects.demo",
    "plans.demo",
    "tasks.demo",
    "tasks.inspections.demo",
    "publication.site.demo",
    "tasks.demo_deadlines",
]


class Command(BaseCommand):
    help = "Load the demo city (临江市): departments, accounts for every role, and demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--objects", type=int, default=20_000, help="inspection objects to create"
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo city issues accounts with a published password: never in production.
            raise CommandError(_("演示数据不能在生产环境中加载（settings.production）。"))
        # The demo is built before `make run` starts a worker: what would be queued (reading the
        # matter lists' workbooks, rendering) runs here, in this process.
        from platform_site.celery import app as celery_app

        celery_app.conf.task_always_eager = True
        celery_app.conf.task_eager_propagates = True
        logins = []
        for module_name in DEMO_BUILDERS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name == module_name:
                    continue  # that capability has no demo data yet
                raise
            result = module.build(stdout=self.stdout, **self._options_for(module_name, options))
            if module_name == "accounts.demo":
                logins = result
        from accounts.demo import DEMO_PASSWORD

        self.stdout.write(f"\n演示账户（所有账户的密码均为 {DEMO_PASSWORD}）")
        rows = [("用户名", "部门", "角色"), *logins]
        for username, department, role in rows:
            self.stdout.write(f"  {pad(username, 18)}{pad(department, 16)}{role}")
        self.stdout.write(
            "  （每个部门另有 <部门代码>_admin、_liaison、_staff 和 _inspector 账户）\n"
        )

    @staticmethod
    def _options_for(module_name: str, options) -> dict:
        if module_name == "registries.objects.demo":
            return {"objects": options["objects"]}
        return {}


def pad(text: str, width: int) -> str:
    """Left-align in a terminal column: a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - used, 1)
