"""Signed checkpoints of the audit chain, kept outside the database.

Whoever holds the database could rewrite audit rows and recompute every hash after them, or cut the
tail off the chain: the chain alone cannot tell. So every hour and after every draw a job signs the
chain's head (seq, head hash, time) with an Ed25519 key that is not in the database
(``AUDIT_SIGNING_KEY``) and appends it, one JSON object a line, to a log outside the database
(``AUDIT_CHECKPOINT_LOG``); the latest is published on the public site. `audit_verify` then checks
the chain against every checkpoint (accounts.audit.verify_events): a checkpoint whose position is
missing or holds another hash names where the chain was cut or rewritten.

A checkpoint line: ``{"at": "2026-03-01T08:00:00.000000Z", "head": "<64 hex>", "key": "<key id>",
"seq": 1234, "sig": "<base64>", "v": 1}``; the signature covers ``ssj-audit-checkpoint/1\\n``
followed by the canonical JSON of at, head, key and seq. The key id is the first 16 hex digits of
the SHA-256 of the raw 32-byte public key.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from accounts.audit import GENESIS_HASH, _timestamp, canonical_json, chain_head
from platform_site.env import parse_ed25519_public_key

SIGNATURE_CONTEXT = b"ssj-audit-checkpoint/1\n"
SIGNED_BYTES_DESCRIPTION = (
    'Ed25519 over "ssj-audit-checkpoint/1\\n" followed by the JSON of at, head, key and seq with '
    "sorted keys, no spaces, UTF-8; sig and public_key are base64"
)
VERSION = 1
# Audit actions after which a checkpoint is written at once (accounts.audit.record_event): a draw's
# result, or its failure, is what must never be quietly rewritten.
CHECKPOINT_AFTER_ACTIONS = frozenset({"draw.result", "draw.failed"})


class CheckpointError(Exception):
    pass


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    at: str
    key: str
    signature: str
    line: int = 0

    def signed_bytes(self) -> bytes:
        body = {"at": self.at, "head": self.head, "key": self.key, "seq": self.seq}
        return SIGNATURE_CONTEXT + canonical_json(body).encode("utf-8")

    def as_dict(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "seq": self.seq,
            "head": self.head,
            "at": self.at,
            "key": self.key,
            "sig": self.signature,
        }

    @property
    def signed_at(self) -> datetime:
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%S.%f%z")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key: what operators publish and archive."""
    return base64.b64encode(_raw_public(public_key)).decode("ascii")


def signing_key() -> Ed25519PrivateKey | None:
    return settings.AUDIT_SIGNING_KEY


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key's public half and those of retired keys, by key id."""
    keys = [
        parse_ed25519_public_key("AUDIT_RETIRED_PUBLIC_KEYS", text)
        for text in settings.AUDIT_RETIRED_PUBLIC_KEYS
    ]
    current = signing_key()
    if current is not None:
        keys.append(current.public_key())
    return {key_id(key): key for key in keys}


def log_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_LOG)


def sign(*, seq: int, head: str, at: datetime, key: Ed25519PrivateKey) -> Checkpoint:
    unsigned = Checkpoint(
        seq=seq, head=head, at=_timestamp(at), key=key_id(key.public_key()), signature=""
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode("ascii")
    return Checkpoint(seq=seq, head=head, at=unsigned.at, key=unsigned.key, signature=signature)


def checkpoint_write(*, path: Path | None = None) -> Checkpoint:
    """Sign the chain's current head and append it to the checkpoint log.

    The head is read while the log is locked, so the checkpoints of concurrent writers appear in
    the order of the heads they sign. Each line is written with one O_APPEND write and fsynced
    before this returns. A repeated run only adds another, equally true checkpoint.
    """
    key = signing_key()
    if key is None:
        raise CheckpointError("AUDIT_SIGNING_KEY is not set: no checkpoint can be signed")
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        head = chain_head()
        checkpoint = sign(
            seq=head.seq if head else 0,
            head=head.hash if head else GENESIS_HASH,
            at=timezone.now(),
            key=key,
        )
        log.write(canonical_json(checkpoint.as_dict()) + "\n")
        log.flush()
        os.fsync(log.fileno())
    return checkpoint


def _parse_line(number: int, text: str) -> Checkpoint:
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise ValueError("unknown format")
    seq, head = data["seq"], data["head"]
    if not isinstance(seq, int) or seq < 0 or not isinstance(head, str) or len(head) != 64:
        raise ValueError("bad seq or head")
    return Checkpoint(
        seq=seq,
        head=head,
        at=str(data["at"]),
        key=str(data["key"]),
        signature=str(data["sig"]),
        line=number,
    )


@dataclass(frozen=True)
class CheckpointLog:
    """The checkpoints whose signatures verify, and what is wrong with the other lines."""

    checkpoints: tuple[Checkpoint, ...]
    problems: tuple[str, ...]
    path: Path

    @property
    def latest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: (c.seq, c.at), default=None)


def verify_signature(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> str:
    """'' when the checkpoint was signed by a trusted key, else what is wrong."""
    public_key = keys.get(checkpoint.key)
    if public_key is None:
        return f"checkpoint line {checkpoint.line}: signed by unknown key {checkpoint.key}"
    try:
        public_key.verify(base64.b64decode(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError, binascii.Error):
        return f"checkpoint line {checkpoint.line}: the signature does not verify"
    return ""


def read_log(path: Path | None = None) -> CheckpointLog:
    path = path or log_path()
    keys = trusted_public_keys()
    checkpoints, problems = [], []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CheckpointLog((), (), path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            checkpoint = _parse_line(number, line)
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint line {number}: not a checkpoint")
            continue
        problem = verify_signature(checkpoint, keys)
        if problem:
            problems.append(problem)
        else:
            checkpoints.append(checkpoint)
    return CheckpointLog(tuple(checkpoints), tuple(problems), path)


def latest_checkpoint(path: Path | None = None) -> Checkpoint | None:
    """The log's last line, if its signature verifies (read from the end: the log only grows)."""
    path = path or log_path()
    try:
        with path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(0, size - 4096))
            tail = log.read().decode("utf-8", errors="replace").strip().splitlines()
    except FileNotFoundError:
        return None
    if not tail:
        return None
    try:
        checkpoint = _parse_line(0, tail[-1])
    except (ValueError, KeyError, TypeError):
        return None
    return None if verify_signature(checkpoint, trusted_public_keys()) else checkpoint
