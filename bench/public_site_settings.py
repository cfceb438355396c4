"""Settings of the public-site benchmark's gunicorn: the production settings, with the URLs of
bench/public_site_urls.py (the project's, plus a bare cached "hello" page as the baseline)."""

from platform_site.settings.production import *  # noqa: F403

ROOT_URLCONF = "public_site_urls"
PUBLIC_PAGE_CACHE_PREFIXES = [*PUBLIC_PAGE_CACHE_PREFIXES, "/bench-hello/"]  # noqa: F405
