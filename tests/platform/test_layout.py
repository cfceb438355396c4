"""The project's layout is fixed: six apps of our own, and no other top-level package beside them
and ``platform_site``. A shared mechanism belongs in ``platform_site/`` (no models) or in the app
whose subject it is."""

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
OWN_APPS = {"accounts", "catalog", "registries", "plans", "tasks", "publication"}
OTHER_TOP_LEVEL_PACKAGES = {"platform_site", "tests", "bench"}


def test_the_project_has_exactly_its_six_apps_beside_platform_site():
    own = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
    assert own - {"platform_site"} == OWN_APPS


def test_no_other_top_level_python_package():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if not path.parent.name.startswith(".")
    }
    assert packages <= OWN_APPS | OTHER_TOP_LEVEL_PACKAGES, (
        "no top-level package beside the six apps and platform_site: "
        f"{sorted(packages - OWN_APPS - OTHER_TOP_LEVEL_PACKAGES)}"
    )
