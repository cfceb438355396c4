"""System check: rendered documents are never stored where a web server serves files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


@register()
def documents_root_outside_web_roots(app_configs, **kwargs):
    documents_root = Path(settings.DOCUMENTS_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        root = getattr(settings, name, None)
        if root and _inside(documents_root, Path(root).resolve()):
            errors.append(
                Error(
                    f"DOCUMENTS_ROOT ({documents_root}) lies inside {name}; rendered documents "
                    "must be served only through their permission check.",
                    id="printing.E001",
                )
            )
    return errors
