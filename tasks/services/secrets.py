"""Sealing the draw secret S until the reveal.

S must never be readable before the reveal, not even from a database dump: it is stored XOR-ed with
a one-time keystream HMAC-SHA256(K, nonce) where K is derived from DRAW_SECRET_KEY (its own secret:
never SECRET_KEY, which many more people and processes hold; production refuses to start without
it or with the two equal), and authenticated with a second HMAC. HMAC-SHA256 is a PRF, so with a fresh random
nonce per draw this is a sound one-block stream cipher using only the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 16
SECRET_BYTES = 32


def _key(purpose: bytes) -> bytes:
    master = getattr(settings, "DRAW_SECRET_KEY", "")
    if not master:
        raise ImproperlyConfigured("DRAW_SECRET_KEY is not set: draw secrets cannot be sealed.")
    return hmac.new(master.encode("utf-8"), b"ssj-draw-secret|" + purpose, hashlib.sha256).digest()


def new_secret() -> bytes:
    """S: 32 bytes from the OS CSPRNG (draw-protocol.md §1.6)."""
    return secrets.token_bytes(SECRET_BYTES)


def seal(secret: bytes, context: str) -> bytes:
    if len(secret) != SECRET_BYTES:
        raise ValueError("the draw secret must be 32 bytes")
    nonce = secrets.token_bytes(NONCE_BYTES)
    stream = hmac.new(_key(b"stream"), nonce + context.encode("utf-8"), hashlib.sha256).digest()
    box = bytes(a ^ b for a, b in zip(secret, stream, strict=True))
    tag = hmac.new(_key(b"mac"), nonce + box + context.encode("utf-8"), hashlib.sha256).digest()
    return nonce + box + tag


def unseal(sealed: bytes | memoryview, context: str) -> bytes:
    sealed = bytes(sealed)
    nonce, box, tag = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:-32], sealed[-32:]
    expected = hmac.new(
        _key(b"mac"), nonce + box + context.encode("utf-8"), hashlib.sha256
    ).digest()
    if len(box) != SECRET_BYTES or not hmac.compare_digest(tag, expected):
        raise ValueError("the sealed draw secret is damaged or belongs to another draw")
    stream = hmac.new(_key(b"stream"), nonce + context.encode("utf-8"), hashlib.sha256).digest()
    return bytes(a ^ b for a, b in zip(box, stream, strict=True))
