"""Production: DATABASE_URL, REDIS_URL, SECRET_KEY, DRAW_SECRET_KEY (a different secret) and
AUDIT_SIGNING_KEY are required; cookies and HSTS are strict."""

import os

from django.core.exceptions import ImproperlyConfigured

for required in ("DATABASE_URL", "REDIS_URL"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"Set {required}: production never starts embedded services.")
for secret in ("SECRET_KEY", "DRAW_SECRET_KEY"):
    if not (os.environ.get(secret) or os.environ.get(f"{secret}_FILE")):
        raise ImproperlyConfigured(f"Set {secret} (or {secret}_FILE) in production.")
if not (os.environ.get("AUDIT_SIGNING_KEY") or os.environ.get("AUDIT_SIGNING_KEY_FILE")):
    raise ImproperlyConfigured(
        "Set AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) in production: it signs the audit "
        "checkpoints (docs/operations.md says how to create one)."
    )
os.environ.setdefault("DEBUG", "false")

from platform_site.env import env_bool, env_int  # noqa: E402
from platform_site.settings.base import *  # noqa: E402,F403

PRODUCTION = True
API_SCHEMA_REQUIRES_LOGIN = env_bool("API_SCHEMA_REQUIRES_LOGIN", True)
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DEBUG must be false in production.")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
# The draw secrets' key is nobody else's: whoever holds SECRET_KEY (every web process, session
# signing) must not be able to unseal a draw's secret before the reveal.
if len(DRAW_SECRET_KEY) < 50 or DRAW_SECRET_KEY.startswith("dev-only"):  # noqa: F405
    raise ImproperlyConfigured("DRAW_SECRET_KEY must be a random string of at least 50 characters.")
if DRAW_SECRET_KEY == SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("DRAW_SECRET_KEY must differ from SECRET_KEY.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
