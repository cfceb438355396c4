"""The layering rule: an app imports only the apps below it (docs/architecture.md, "Layers").

Read from the source, not from a running process, so a lazy import inside a function, a dotted path
handed to `import_module`, a permission string ("plans.approve_plan") or a URL name
("plans:year_list", in Python or in the app's templates) all count: each ties the app to another.
`accounts/` is the ground floor: every other app builds on it, so it names none of them. The
pages that gather panels from several apps live in `platform_site/` (its `dashboards.py`,
`views.py`, `urls.py`), above every app.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top: each part may use the parts listed for it, and platform_site's shared helpers
# (which use no app at all). `publication.calendar` is the working-day calendar every deadline
# counts on, so it sits low (with the app's models), although the rest of `publication/` (the
# public site) sits at the top.
ALLOWED: dict[str, set[str]] = {
    "accounts": set(),
    "publication.models": {"accounts"},
    "publication.calendar": {"accounts", "publication.models"},
    # Working-day deadlines (and their inbox notices): any app above may open and close them.
    "publication.deadlines": {"accounts", "publication.models", "publication.calendar"},
    # The public pages' Redis cache (any app's public page may be cached; it names no app above).
    "publication.pagecache": {"accounts"},
    "registries": {"accounts"},
    "catalog": {"accounts", "registries"},
    "plans": {"accounts", "registries", "catalog"},
    "tasks": {
        "accounts",
        "registries",
        "catalog",
        "plans",
        "publication.calendar",
        # The deadlines' interface includes their models (Deadline, DeadlineKind).
        "publication.models",
        "publication.deadlines",
        "publication.pagecache",
    },
    "publication": {
        "accounts",
        "registries",
        "catalog",
        "plans",
        "tasks",
        "publication.models",
        "publication.calendar",
        "publication.deadlines",
    },
}
# The platform_site modules that gather from the apps, above every app: the role home pages and
# the status page, the URL root and navigation ...
PLATFORM_PAGES = (
    "platform_site.dashboards",
    "platform_site.views",
    "platform_site.status",
    "platform_site.urls",
    "platform_site.navigation",
    "platform_site.context_processors",
    # template filters that put the apps' codes into words (departments, tags, rates, actions)
    "platform_site.templatetags",
)
# ... and those that name apps only as configuration (settings, Celery's beat schedule by task
# name, the demo-city command's list of builders). Every other platform_site module is a shared
# helper below every app.
PLATFORM_GATHERERS = (
    *PLATFORM_PAGES,
    "platform_site.celery",
    "platform_site.settings",
    "platform_site.management",
    # start-up: hands the apps' audit action labels to accounts' audit log and its filter
    "platform_site.apps",
)
APPS = sorted({part.split(".")[0] for part in ALLOWED})
APP_NAMES = "|".join(APPS)
APP_STRING = re.compile(rf"^({APP_NAMES})([.:])([A-Za-z_][\w.]*)$")
TEMPLATE_URL = re.compile(rf"""{{%\s*url\s+['"]({APP_NAMES}):""")


def _part_of(module: str) -> str | None:
    """The most specific part of ALLOWED (or "platform_site") that `module` belongs to."""
    matches = [
        part
        for part in [*ALLOWED, "platform_site"]
        if module == part or module.startswith(part + ".")
    ]
    return max(matches, key=len, default=None)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _references(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, name, is_url_name) for every import and every string naming another app's module,
    permission or URL."""
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}", False) for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = APP_STRING.match(node.value)
            if match:
                found.append((node.lineno, node.value, match.group(2) == ":"))
    return found


def _python_files(root: Path) -> list[Path]:
    files = []
    for top in [*APPS, "platform_site"]:
        files += [
            path
            for path in (root / top).rglob("*.py")
            if "migrations" not in path.relative_to(root).parts
        ]
    return sorted(files)


def _uses(part: str, name: str, is_url_name: bool) -> bool:
    """Whether `part` may use `name` (a dotted module path, or an "app:url" name)."""
    allowed = ALLOWED.get(part, set()) | {part}
    if is_url_name:
        # A URL namespace is a whole app's: the calendar's pages are in "publication".
        app = name.split(":")[0]
        return app in {allowed_part.split(".")[0] for allowed_part in allowed}
    target = _part_of(name)
    if target is None or target == "platform_site":
        return not name.startswith(PLATFORM_PAGES)
    return target in allowed or target.startswith(part + ".")


def _violations(root: Path = ROOT) -> list[str]:
    problems = []
    for path in _python_files(root):
        module = _module_name(path, root)
        if module.startswith(PLATFORM_GATHERERS):
            continue
        part = _part_of(module)
        assert part is not None, module
        for line, name, is_url_name in _references(ast.parse(path.read_text(), str(path))):
            if not _uses(part, name, is_url_name):
                problems.append(f"{path.relative_to(root)}:{line}: {part} uses {name}")
    for app in APPS:
        for path in sorted((root / "templates" / app).rglob("*.html")):
            for number, text in enumerate(path.read_text().splitlines(), start=1):
                for match in TEMPLATE_URL.finditer(text):
                    if not _uses(app, match.group(1) + ":", True):
                        problems.append(
                            f"{path.relative_to(root)}:{number}: {app} links to {match.group(1)}"
                        )
    return problems


def test_every_app_uses_only_the_apps_below_it():
    assert _violations() == []


def test_every_project_app_has_its_place_in_the_layers():
    from django.apps import apps

    project_apps = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT and config.name != "platform_site"
    }
    assert project_apps - set(APPS) == set(), "add the new app to ALLOWED, above what it uses"


def test_a_lazy_import_a_dotted_path_or_a_link_upwards_is_found(tmp_path):
    # given accounts/ reaching up in each of the ways the rule covers
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "panels.py").write_text(
        "def cards(user):\n"
        "    from plans.selectors import notifications_for\n"
        "    return notifications_for(user), import_module('tasks.demo'), 'catalog:matter_list'\n"
    )
    (tmp_path / "templates" / "accounts").mkdir(parents=True)
    (tmp_path / "templates" / "accounts" / "home.html").write_text(
        "<a href=\"{% url 'registries:object_list' %}\">x</a>"
    )
    # and the calendar reaching into the public site of its own app, and a helper into the pages
    (tmp_path / "publication" / "calendar").mkdir(parents=True)
    (tmp_path / "publication" / "calendar" / "services.py").write_text(
        "from publication.models import CalendarDay\nfrom publication.views import home\n"
    )
    (tmp_path / "platform_site").mkdir()
    (tmp_path / "platform_site" / "exports.py").write_text(
        "from accounts.models import User\nfrom platform_site.dashboards import Card\n"
    )
    # when
    problems = _violations(tmp_path)
    # then every upward use is named, and nothing else
    assert sorted(problems) == [
        "accounts/panels.py:2: accounts uses plans.selectors.notifications_for",
        "accounts/panels.py:3: accounts uses catalog:matter_list",
        "accounts/panels.py:3: accounts uses tasks.demo",
        "platform_site/exports.py:1: platform_site uses accounts.models.User",
        "platform_site/exports.py:2: platform_site uses platform_site.dashboards.Card",
        "publication/calendar/services.py:2: publication.calendar uses publication.views.home",
        "templates/accounts/home.html:1: accounts links to registries",
    ]
