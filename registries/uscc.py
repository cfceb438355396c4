"""Unified social credit code (统一社会信用代码, GB 32100-2015).

Layout of the 18 characters (positions are 1-based):

====  =========================================================
1     registration authority code (登记管理部门代码)
2     organisation type (机构类别代码)
3-8   administrative division (登记管理机关行政区划码), digits
9-17  organisation code (主体标识码, GB 11714, including its own check)
18    check character over positions 1-17
====  =========================================================

Only the final GB 32100 check character is verified. The GB 11714 check inside positions
9-17 is deliberately not checked: the standard's 18th character is what protects the code.

The check works over the 31-character alphabet ``0-9A-Z`` without I, O, S, V, Z (valued
0..30 in that order). Position ``i`` has weight ``3**(i-1) mod 31`` (1, 3, 9, 27, 19, ...), and
``check = (31 - sum(value * weight) mod 31) mod 31``. Since 31 is prime and no weight is 0,
every single-character substitution changes the sum and is detected.

Every public function first strips surrounding whitespace and upper-cases its input, so
``" 91350100m000100y43 "`` validates as ``"91350100M000100Y43"``; that normalised form is what
:class:`UsccCheck` reports in ``code``.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "USCC_ALPHABET",
    "USCC_LENGTH",
    "USCC_PATTERN",
    "USCC_WEIGHTS",
    "UsccCheck",
    "UsccReason",
    "check_character",
    "is_valid_uscc",
    "make_uscc",
    "random_uscc",
    "validate_uscc",
]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$"

UsccReason = Literal["length", "charset", "check"]

_VALUES: dict[str, int] = {char: value for value, char in enumerate(USCC_ALPHABET)}
_ALPHABET_BYTES = USCC_ALPHABET.encode()
_DIVISION = slice(2, 8)  # positions 3-8
_BODY_PATTERN = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{9}")

# Fast path: 3**i ≡ 34**i (mod 31), so once every character is replaced by the base-34 digit
# of its value, int(reversed_body, 34) % 31 is the weighted sum mod 31, computed in C.
# Bytes outside the alphabet become "#", which int() rejects.
_TO_BASE34 = bytes(
    b"0123456789abcdefghijklmnopqrstu"[_ALPHABET_BYTES.index(byte)]
    if byte in _ALPHABET_BYTES
    else ord("#")
    for byte in range(256)
)

# For all_valid_uscc: each byte's value in the alphabet (0xFF outside it), and per position (the 17
# weights, then 1 for the check character) the value times the weight, mod 31.
_VALUE_BYTES = bytes(
    USCC_ALPHABET.index(chr(byte)) if chr(byte) in USCC_ALPHABET else 0xFF for byte in range(256)
)
_WEIGHTED_VALUE_BYTES = tuple(
    bytes(value * weight % 31 if value != 0xFF else 0 for value in _VALUE_BYTES)
    for weight in (*USCC_WEIGHTS, 1)
)
_MULTIPLES_OF_31 = frozenset(range(0, 31 * USCC_LENGTH + 1, 31))


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """Outcome of :func:`validate_uscc`.

    ``reason`` is a stable code ("length", "charset" or "check") for the first problem found;
    ``position`` (1-based) and ``character`` point at the offending character when there is
    one. ``expected_check`` is the correct check character whenever positions 1-17 are
    well-formed (so valid codes carry it too), else None.
    """

    valid: bool
    reason: UsccReason | None
    code: str
    expected_check: str | None
    position: int | None = None
    character: str | None = None


def _expected_value(encoded: bytes) -> int:
    """Value of the expected check character of an 18-byte code, or -1 if 1-17 are malformed."""
    if len(encoded) != USCC_LENGTH or not encoded[_DIVISION].isdigit():
        return -1
    digits = encoded.translate(_TO_BASE34)
    try:
        total = int(digits[16::-1], 34)
    except ValueError:
        return -1
    return -total % 31


def check_character(first17: str) -> str:
    """Return the GB 32100 check character for the first 17 characters of a code.

    Any alphabet characters are accepted (the structure is :func:`make_uscc`'s business);
    anything else, or a length other than 17 after strip/upper, raises ValueError.
    """
    body = first17.strip().upper()
    if len(body) != USCC_LENGTH - 1:
        raise ValueError(f"expected 17 characters, got {len(body)}")
    total = 0
    for position, (char, weight) in enumerate(zip(body, USCC_WEIGHTS, strict=True), start=1):
        value = _VALUES.get(char)
        if value is None:
            raise ValueError(f"character {char!r} at position {position} is not allowed")
        total += value * weight
    return USCC_ALPHABET[-total % 31]


def is_valid_uscc(code: str) -> bool:
    """True if ``code`` (after strip/upper) is well-formed and its check character is right.

    This is the fast path (well under 1 µs a code); use :func:`validate_uscc` for the reason.
    """
    encoded = code.strip().upper().encode()
    value = _expected_value(encoded)
    return value >= 0 and encoded[17] == _ALPHABET_BYTES[value]


def all_valid_uscc(codes: Sequence[str]) -> bool:
    """True if every code is a valid code as written: 18 characters, upper case, no spaces.

    The import's fast path checks a block of codes at once, with a constant number of C-level
    operations whatever the block's size: each position of every code is one byte slice, mapped to
    value × weight (mod 31) by ``bytes.translate``; laid in 16-bit slots of one big integer, the 18
    positions add up slot by slot without carrying (at most 18 × 30), and a code is valid when its
    slot, check character included, is a multiple of 31. Any code that :func:`is_valid_uscc` would
    accept only after strip/upper makes it False.
    """
    count = len(codes)
    joined = "".join(codes).encode()
    if len(joined) != USCC_LENGTH * count:
        return False  # a code of another length, or a non-ASCII character
    if b"\xff" in joined.translate(_VALUE_BYTES):
        return False  # a character outside the alphabet
    for position in range(_DIVISION.start, _DIVISION.stop):
        if not joined[position::USCC_LENGTH].isdigit():
            return False
    if sys.byteorder != "little":
        return all(map(is_valid_uscc, codes))
    slots = bytearray(2 * count)
    total = 0
    for position, table in enumerate(_WEIGHTED_VALUE_BYTES):
        slots[0::2] = joined[position::USCC_LENGTH].translate(table)
        total += int.from_bytes(slots, "little")
    sums = memoryview(total.to_bytes(2 * count, "little")).cast("H")
    return _MULTIPLES_OF_31.issuperset(sums)


def validate_uscc(code: str) -> UsccCheck:
    """Check length, then character set and structure, then the check character."""
    normalised = code.strip().upper()
    value = _expected_value(normalised.encode())
    if value >= 0:
        expected = USCC_ALPHABET[value]
        actual = normalised[17]
        if actual == expected:
            return UsccCheck(True, None, normalised, expected)
        if actual in _VALUES:
            return UsccCheck(False, "check", normalised, expected, USCC_LENGTH, actual)
        return UsccCheck(False, "charset", normalised, expected, USCC_LENGTH, actual)
    return _diagnose(normalised)


def _diagnose(normalised: str) -> UsccCheck:
    """Explain a failure the fast path does not classify (length or character set)."""
    if len(normalised) != USCC_LENGTH:
        return UsccCheck(False, "length", normalised, None)
    division = range(_DIVISION.start, _DIVISION.stop)
    for index, char in enumerate(normalised):
        if char not in _VALUES or (index in division and char not in "0123456789"):
            expected = check_character(normalised[:17]) if index == USCC_LENGTH - 1 else None
            return UsccCheck(False, "charset", normalised, expected, index + 1, char)
    raise AssertionError(f"{normalised!r} is well-formed but failed the fast path")


def make_uscc(body17: str) -> str:
    """Append the check character to a 17-character body (after strip/upper).

    The body must already have the code's structure (alphabet characters, positions 3-8
    digits), so the result always passes :func:`validate_uscc`; otherwise ValueError.
    """
    body = body17.strip().upper()
    if not _BODY_PATTERN.fullmatch(body):
        raise ValueError(f"not a well-formed 17-character code body: {body17!r}")
    return body + check_character(body)


def random_uscc(rng: random.Random, *, region: str = "330100", kind: str = "91") -> str:
    """A valid code for demo data and benchmarks, reproducible from ``rng``'s state.

    ``kind`` fills positions 1-2 ("91": enterprise registered by market regulation),
    ``region`` the 6-digit division; positions 9-17 are random alphabet characters, so their
    inner GB 11714 check means nothing.
    """
    return make_uscc(kind + region + "".join(rng.choices(USCC_ALPHABET, k=9)))
