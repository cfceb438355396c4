"""Whole-page caching of the public pages in Redis (the Django cache).

Public pages are the same for every anonymous visitor, so an anonymous GET is answered from the
cache when it can be. A view opts in with `@public_page`; every stored page carries the
*generation* number, kept in Redis, it was rendered in: anything that changes what the public sees
(a drawn list or a result published or corrected, an objection's outcome, a draw announced,
withdrawn, voided or drawn; publication.site.receivers) bumps the generation after its
transaction commits, and every page is rendered afresh on its next request; old entries simply
expire. Signed-in staff always get a fresh render (their pages show their name and inbox).

The pages are stored by `PublicPageCacheMiddleware`, on the way out, with the headers the inner
middleware gave them (Vary, Content-Language, X-Frame-Options), and served by it *before* the
session, locale, CSRF, authentication and messages middleware when the visitor has no session
cookie: a hit then costs the URL's key, one Redis MGET (generation and page) and the CSRF cookie,
while the outer middleware (security headers, CSP) still adds its headers. Visitors with a session
cookie are checked by the decorator after authentication. The CSRF token of the page's forms is
not cached: pages are stored with a placeholder that is replaced by the visitor's own token on
the way out.

This module sits below the apps (it imports none of them), so the tasks app's public task page
uses it too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.translation import get_language, get_language_from_request

GENERATION_KEY = "public:generation"
CSRF_PLACEHOLDER = "@@public-csrf-token@@"
# The audit chain's head moves with every audited act: pages show it live, filled in on the way out.
AUDIT_HEAD_PLACEHOLDER = "@@public-audit-head@@"
AUDIT_SEQ_PLACEHOLDER = "@@public-audit-seq@@"
HIT_HEADER = "X-Public-Cache"


def live_audit_head(request: HttpRequest) -> tuple[str, str | int]:
    """The audit chain head's hash and number for a page: placeholders in a page being cached."""
    if getattr(request, "public_cache_render", False):
        return AUDIT_HEAD_PLACEHOLDER, AUDIT_SEQ_PLACEHOLDER
    from accounts.audit import chain_head

    head = chain_head()
    return (head.hash, head.seq) if head else ("", 0)


def public_cache_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return int(generation)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def public_cache_invalidate() -> None:
    """Make every cached public page stale, now and again after the current transaction commits.

    The bump after the commit is the one that counts: a page rendered meanwhile may show the
    state before the commit. The bump now makes the change visible at once to the transaction
    that made it (and to a test, whose transaction never commits)."""
    _bump()
    transaction.on_commit(_bump)


def _key(request: HttpRequest, language: str | None) -> str:
    path = request.get_full_path()
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"public:page:{language}:{digest}"


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def public_page(view: Callable[..., HttpResponse] | None = None, *, early: bool = True) -> Any:
    """Serve an anonymous GET of `view` from the cache; cache the 200 responses it renders.

    `early=False` for a view whose cached answers must still pass its own checks first (the
    search, rate limited before the lookup): the middleware then never serves them early."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            looked_up = getattr(request, "_public_cache_lookup", None)
            if looked_up is None:
                key = _key(request, get_language())
                found = cache.get_many([GENERATION_KEY, key])
                generation = found.get(GENERATION_KEY) or public_cache_generation()
                stored = found.get(key)
            else:  # the middleware looked it up already
                key, generation, stored = looked_up
            if stored is not None and stored[0] == generation:
                return _from_entry(stored)
            request.public_cache_render = True  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                response._public_cache_store = (key, generation, early)  # type: ignore[attr-defined]
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


# Headers an entry keeps: what the view and the inner middleware set. The outer middleware
# (security, CSP) adds its own on every answer; the length follows the token.
_NOT_STORED = {"content-length", "set-cookie", HIT_HEADER.lower()}


def _entry(generation: int, early: bool, response: HttpResponse) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
    return (generation, early, response.content, headers)


def _from_entry(entry: tuple) -> HttpResponse:
    _generation, _early, content, headers = entry
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response


class PublicPageCacheMiddleware:
    """Stores the pages of `@public_page` views and serves them early (see the module's text).
    Sits after WhiteNoise and before the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)
        self.session_cookie = settings.SESSION_COOKIE_NAME
        self.prefixes = tuple(settings.PUBLIC_PAGE_CACHE_PREFIXES)

    def _early(self, request: HttpRequest) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if request.path != "/" and not request.path.startswith(self.prefixes):
            return False
        cookies = request.COOKIES
        if self.session_cookie in cookies or "messages" in cookies:
            return False
        try:
            request.get_host()
        except DisallowedHost:
            return False  # the usual path answers it
        return True

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._early(request):
            key = _key(request, get_language_from_request(request))
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or public_cache_generation()
            stored = found.get(key)
            if stored is not None and stored[0] == generation and stored[1]:
                self.csrf.process_request(request)  # the visitor's CSRF cookie, if any
                response = self._finish(request, _from_entry(stored))
                response["Content-Length"] = str(len(response.content))
                return response
            request._public_cache_lookup = (key, generation, stored)  # type: ignore[attr-defined]
        response = self.get_response(request)
        return self._finish(request, response)

    def _finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        store = getattr(response, "_public_cache_store", None)
        if store is not None:
            key, generation, early = store
            cache.set(key, _entry(generation, early, response), settings.PUBLIC_PAGE_CACHE_SECONDS)
        if response.streaming or b"@@public-" not in response.content:
            return response
        content = response.content
        if CSRF_PLACEHOLDER.encode() in content:
            content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            # The token was asked for after the CSRF middleware's answer: set its cookie.
            self.csrf.process_response(request, response)
        if AUDIT_HEAD_PLACEHOLDER.encode() in content:
            from accounts.models import AuditEvent

            head_hash, head_seq = AuditEvent.objects.order_by("-seq").values_list(
                "hash", "seq"
            ).first() or ("—", 0)
            content = content.replace(AUDIT_HEAD_PLACEHOLDER.encode(), head_hash.encode())
            content = content.replace(AUDIT_SEQ_PLACEHOLDER.encode(), str(head_seq).encode())
        response.content = content
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(content))
        return response
