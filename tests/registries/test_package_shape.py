"""The shape of registries/ (docs/architecture.md, "Shape of `registries/`"): two sub-packages,
`objects` and `inspectors`, that know nothing of each other, over shared modules that know
neither. Read from the source, as the layering test reads it (imports, also inside functions, and
dotted paths in strings)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.platform.test_layering import ROOT, _module_name, _references

SUBPACKAGES = ("registries.objects", "registries.inspectors")
# The app's roots gather the sub-packages: its models (so Django finds every model), its URL
# roots, its start-up, its Celery entry points (their task names are registries.jobs.*).
ROOTS = (
    "registries.apps",
    "registries.urls",
    "registries.api",
    "registries.models",
    "registries.jobs",
)
# The demo city's object registry builds the inspector registry after it (one idempotent step).
ALLOWED_CROSSINGS = {("registries.objects.demo", "registries.inspectors.demo")}


def _subpackage(name: str) -> str | None:
    return next(
        (package for package in SUBPACKAGES if name == package or name.startswith(package + ".")),
        None,
    )


def _crossings(root: Path = ROOT) -> list[str]:
    problems = []
    for path in sorted((root / "registries").rglob("*.py")):
        module = _module_name(path, root)
        if "migrations" in path.parts or module.startswith(("registries.credit", *ROOTS)):
            continue
        own = _subpackage(module)
        for line, name, _is_url in _references(ast.parse(path.read_text(), str(path))):
            target = _subpackage(name)
            if target is None or target == own:
                continue
            if any(
                module == source and name.startswith(allowed)
                for source, allowed in ALLOWED_CROSSINGS
            ):
                continue
            problems.append(f"{path.relative_to(root)}:{line}: {module} uses {name}")
    return problems


def test_objects_and_inspectors_share_only_the_top_level_modules():
    assert _crossings() == []


def test_a_crossing_between_the_subpackages_or_up_from_a_shared_module_is_found(tmp_path):
    # given an inspectors module reaching into objects, and a shared module into a sub-package
    (tmp_path / "registries" / "inspectors").mkdir(parents=True)
    (tmp_path / "registries" / "inspectors" / "views.py").write_text(
        "def page():\n    from registries.objects.selectors import object_search\n"
    )
    (tmp_path / "registries" / "drawable.py").write_text(
        "from registries.models import Inspector\nfrom registries.inspectors import selectors\n"
    )
    # when
    problems = _crossings(tmp_path)
    # then both are named (the models, re-exported at the top, are shared)
    assert problems == [
        "registries/drawable.py:2: registries.drawable uses registries.inspectors.selectors",
        "registries/inspectors/views.py:2: registries.inspectors.views uses "
        "registries.objects.selectors.object_search",
    ]
