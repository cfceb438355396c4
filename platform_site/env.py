"""Typed readers for settings from environment variables.

Each reader fails loudly (ImproperlyConfigured) on a malformed value instead of guessing, and
``env_secret`` also accepts ``NAME_FILE`` pointing at a file, for Docker secrets.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def env_str(name: str, default: str | object = _UNSET) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, default: str | object = _UNSET) -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name!r} cannot be read: {error}"
            ) from None
    return env_str(name, default)


def parse_ed25519_private_key(name: str, text: str):
    """An Ed25519 private key from base64 of its 32 raw bytes, or from a PEM (PKCS#8) block."""
    import base64
    import binascii

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = base64.b64decode(text, validate=True)
            if len(raw) != 32:
                raise ValueError(f"{len(raw)} bytes instead of 32")
            key = Ed25519PrivateKey.from_private_bytes(raw)
    except (ValueError, TypeError, binascii.Error) as error:
        raise ImproperlyConfigured(
            f"{name} must be an Ed25519 private key (base64 of 32 bytes, or PEM): {error}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{name} must be an Ed25519 key, not {type(key).__name__}.")
    return key


def parse_ed25519_public_key(name: str, text: str):
    """An Ed25519 public key from base64 of its 32 raw bytes."""
    import base64
    import binascii

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
    except (ValueError, binascii.Error) as error:
        raise ImproperlyConfigured(
            f"{name}: {text!r} is not an Ed25519 public key (base64 of 32 bytes): {error}"
        ) from None


def env_ed25519_key(name: str):
    """NAME (or NAME_FILE) as an Ed25519 private key; None when unset."""
    text = env_secret(name, "")
    return parse_ed25519_private_key(name, text) if text.strip() else None


def database_from_url(url: str) -> dict:
    """Django DATABASES entry from postgresql://user:password@host:port/name?host=/socket/dir."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgresql:// URL (PostgreSQL is the only database), "
            f"not {parsed.scheme!r}."
        )
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database.")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", None) or unquote(parsed.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": query,
    }


def celery_url_from_redis_url(url: str) -> str:
    """Kombu names a unix-socket Redis ``redis+socket://``; redis-py names it ``unix://``."""
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        return f"redis+socket://{parsed.path}"
    if parsed.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(
            f"REDIS_URL must be redis://, rediss:// or unix://, not {url!r}."
        )
    return url
