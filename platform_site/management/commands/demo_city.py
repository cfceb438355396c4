from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

# Each capability adds its builder here, in dependency order. Every builder is idempotent.
DEMO_BUILDERS = [
    "accounts.demo",
    "publication.demo",
    "catalog.demo",
    "registries.demo",
    "plans.demo",
    "tasks.demo",
    "tasks.inspections.demo",
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

        self.stdout.write(f"\n演示账户 / Demo logins (password for all: {DEMO_PASSWORD})")
        for username, department, role in logins:
            self.stdout.write(f"  {username:<18} {department:<10} {role}")
        self.stdout.write(
            "  (every department has <code>_admin, _liaison, _staff and _inspector accounts)"
        )

    @staticmethod
    def _options_for(module_name: str, options) -> dict:
        if module_name == "registries.demo":
            return {"objects": options["objects"]}
        return {}
