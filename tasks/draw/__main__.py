"""`python -m tasks.draw BUNDLE.json` verifies a published draw bundle."""

import sys

from .verify import main

sys.exit(main())
