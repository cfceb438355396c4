"""Settings for mypy's Django plugin: it loads the apps but never connects, so no server starts."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://typecheck@localhost:5432/typecheck")
os.environ.setdefault("REDIS_URL", "redis://localhost:6379/0")

from platform_site.settings.base import *  # noqa: F403
