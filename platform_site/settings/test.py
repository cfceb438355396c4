"""Test settings: only what makes the suite faster. The database and Redis stay real."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")

from platform_site.settings.base import *  # noqa: F403
from platform_site.settings.base import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The suite runs each draw ceremony in one go instead of waiting for the reveal time; the tests of
# the reveal time set TaskPolicy.reveal_delay_minutes themselves.
DRAW_REVEAL_DELAY_MINUTES = 0
CACHES["default"]["KEY_PREFIX"] = f"ssj-test-{os.getpid()}"
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# pytest-playwright drives the live server from an event loop; Django's guard would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="ssj-static-"))
ATTACHMENT_ROOT = Path(tempfile.mkdtemp(prefix="ssj-attachments-"))
WHITENOISE_USE_FINDERS = True
DOCUMENTS_ROOT = Path(tempfile.mkdtemp(prefix="ssj-documents-"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Parallel test runs on one machine (several sessions or helpers) each get their own test database.
if os.environ.get("TEST_DB_SUFFIX"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_ssj_{os.environ['TEST_DB_SUFFIX']}"}  # noqa: F405
# The permission matrix and the API fuzzing send thousands of requests from one address; the
# throttling tests set their own rates.
API_THROTTLE_RATES = {scope: "100000/minute" for scope in API_THROTTLE_RATES}  # noqa: F405
# The suite posts many objections and searches from one address; tests of the limits set their own.
PUBLIC_RATES = {"search": "1000/minute", "objection": "1000/hour"}
