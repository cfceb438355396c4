"""The stand-alone verifier offered for download: the platform's own reference verifier
(tasks/draw/protocol.py and tasks/draw/verify.py, standard library only) joined into one file, so
what citizens run is exactly what the platform's tests check against the known-answer bundle."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import tasks.draw

HEADER = """#!/usr/bin/env python3
# ssj_verify.py: re-verifies a published draw bundle of the ssj-draw/1 protocol.
# Standard library only (Python 3.11+). Usage:  python3 ssj_verify.py BUNDLE.json
# Exit status 0: the draw is verified; 1: it is not (the problems are listed); 2: unreadable file.
# Generated from the platform's reference verifier (tasks/draw/protocol.py + tasks/draw/verify.py).
"""

RELATIVE_IMPORT = re.compile(r"^from \.protocol import \((?:.|\n)*?\)\n", re.MULTILINE)
FUTURE_IMPORT = "from __future__ import annotations\n"


@cache
def verifier_script_text() -> str:
    package = Path(tasks.draw.__file__).parent
    protocol = (package / "protocol.py").read_text(encoding="utf-8")
    verify = (package / "verify.py").read_text(encoding="utf-8")
    verify = RELATIVE_IMPORT.sub("", verify, count=1).replace(FUTURE_IMPORT, "", 1)
    verify = verify.replace('prog="python -m tasks.draw.verify"', 'prog="ssj_verify.py"')
    return HEADER + protocol + "\n\n# --- verification " + "-" * 60 + "\n\n" + verify
