"""Whole-page caching of the public site in Redis (the Django cache).

Public pages are the same for every anonymous visitor, so an anonymous GET is answered from the
cache when it can be. Every stored page carries the *generation* number, kept in Redis, it was rendered in: anything that changes what
the public sees (a drawn list or a result published or corrected, an objection's outcome) bumps the
generation after its transaction commits, and every page is rendered afresh on its next request;
old entries simply expire. Signed-in staff always get a fresh render (their pages show their name
and inbox). The CSRF token of the page's forms is not cached: pages are stored with a placeholder
that is replaced by the visitor's own token on the way out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

GENERATION_KEY = "public:generation"
CSRF_PLACEHOLDER = "@@public-csrf-token@@"


def public_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def public_cache_invalidate() -> None:
    """Make every cached public page stale (after the current transaction commits)."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.add(GENERATION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def _key(request: HttpRequest) -> str:
    path = request.get_full_path()
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"public:page:{get_language()}:{digest}"


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve an anonymous GET of `view` from the cache; cache 200 responses it renders.

    One round trip to Redis per hit: the generation and the page come in one MGET, and the
    stored page says which generation it was rendered in (read before rendering, so a page
    rendered while something was published is stale at once)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = public_cache_generation()
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            _generation, content, content_type, headers = stored
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers:
                response[name] = value
            response["X-Public-Cache"] = "hit"
            return _with_token(request, response)
        request.public_cache_render = True  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            entry = (
                generation,
                response.content,
                response.get("Content-Type", ""),
                _headers(response),
            )
            cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return _with_token(request, response)

    return wrapped


def _headers(response: HttpResponse) -> list[tuple[str, str]]:
    keep = ("Content-Disposition", "Content-Language")
    return [(name, response[name]) for name in keep if response.has_header(name)]


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response
