"""mypy over the project, as `make typecheck` runs it: one error fails the suite.

Its cache lives under `.data/` (beside the embedded servers' data, never committed), so a run after
the first only re-checks what changed.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_error():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_site.settings.typecheck"}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".data" / "mypy-cache")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout + result.stderr
