import random
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registries.uscc import (
    USCC_ALPHABET,
    USCC_PATTERN,
    USCC_WEIGHTS,
    UsccCheck,
    check_character,
    is_valid_uscc,
    make_uscc,
    random_uscc,
    validate_uscc,
)

# Published codes: the GB 32100-2015 sample, then Huawei Technologies, Shenzhen Tencent
# Computer Systems, Xiaomi Technology and Alibaba (China) as printed on their licences.
KNOWN_VALID = [
    "91350100M000100Y43",
    "914403001922038216",
    "91440300708461136T",
    "91110108551385082Q",
    "91330100716105852F",
]
FORBIDDEN = "IOSVZ"

alphabet_char = st.sampled_from(USCC_ALPHABET)
digit = st.sampled_from("0123456789")
bodies = st.tuples(
    st.text(alphabet_char, min_size=2, max_size=2),
    st.text(digit, min_size=6, max_size=6),
    st.text(alphabet_char, min_size=9, max_size=9),
).map("".join)
valid_codes = bodies.map(make_uscc)


def reference_check(body: str) -> str:
    """The standard's formula written out literally, to pin the implementation."""
    total = sum(
        USCC_ALPHABET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def test_alphabet_and_weights_match_the_standard():
    assert len(USCC_ALPHABET) == 31
    assert not set(FORBIDDEN) & set(USCC_ALPHABET)
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_validate(code):
    result = validate_uscc(code)
    assert result == UsccCheck(True, None, code, code[-1])
    assert is_valid_uscc(code)
    assert check_character(code[:17]) == code[-1] == reference_check(code[:17])


def test_input_is_stripped_and_upper_cased():
    result = validate_uscc("  91350100m000100y43\n")
    assert result.valid
    assert result.code == "91350100M000100Y43"
    assert is_valid_uscc(" 91350100m000100y43 ")


def test_wrong_check_character_reports_the_expected_one():
    result = validate_uscc("91350100M000100Y44")
    assert not result.valid
    assert result.reason == "check"
    assert result.expected_check == "3"
    assert (result.position, result.character) == (18, "4")


@pytest.mark.parametrize(
    ("code", "position", "character"),
    [
        ("9I350100M000100Y43", 2, "I"),
        ("91350100M0O0100Y43", 11, "O"),
        ("913501A0M000100Y43", 7, "A"),  # division code must be digits
        ("91350100M000100Y4-", 18, "-"),
    ],
)
def test_charset_reports_the_first_offending_position(code, position, character):
    result = validate_uscc(code)
    assert (result.valid, result.reason) == (False, "charset")
    assert (result.position, result.character) == (position, character)


def test_forbidden_check_character_still_reports_expected_check():
    result = validate_uscc("91350100M000100Y4I")
    assert result.reason == "charset"
    assert result.expected_check == "3"


@given(valid_codes)
def test_made_codes_validate(code):
    assert validate_uscc(code).valid
    assert is_valid_uscc(code)
    assert re.fullmatch(USCC_PATTERN, code)


@given(bodies)
def test_fast_path_agrees_with_the_reference_formula(body):
    assert make_uscc(body)[-1] == check_character(body) == reference_check(body)


@given(valid_codes, st.integers(0, 17), alphabet_char)
def test_every_single_substitution_is_detected(code, index, replacement):
    if code[index] == replacement:
        replacement = USCC_ALPHABET[(USCC_ALPHABET.index(replacement) + 1) % 31]
    altered = code[:index] + replacement + code[index + 1 :]
    result = validate_uscc(altered)
    assert not result.valid
    assert not is_valid_uscc(altered)
    assert result.reason in {"check", "charset"}
    if result.reason == "charset":  # a letter in the digits-only division code
        assert 3 <= result.position <= 8


@given(valid_codes, st.integers(0, 17), st.sampled_from(FORBIDDEN))
def test_forbidden_letters_are_charset_errors(code, index, forbidden):
    altered = code[:index] + forbidden + code[index + 1 :]
    result = validate_uscc(altered)
    assert (result.reason, result.position, result.character) == ("charset", index + 1, forbidden)
    assert not is_valid_uscc(altered)


@given(st.text(alphabet_char).filter(lambda text: len(text) != 18))
def test_wrong_length_is_a_length_error(code):
    result = validate_uscc(code)
    assert (result.valid, result.reason, result.expected_check) == (False, "length", None)
    assert not is_valid_uscc(code)


@given(st.text(st.characters(codec="utf-8"), max_size=24))
def test_validation_never_crashes_and_both_paths_agree(text):
    result = validate_uscc(text)
    assert result.valid == is_valid_uscc(text)
    assert (result.reason is None) == result.valid
    if result.valid:
        assert re.fullmatch(USCC_PATTERN, result.code)


def test_make_uscc_rejects_malformed_bodies():
    with pytest.raises(ValueError):
        make_uscc("91350100M000100Y")  # 16 characters
    with pytest.raises(ValueError):
        make_uscc("913501A0M000100Y4")  # letter in the division code
    with pytest.raises(ValueError):
        check_character("91350100M000100YI")


def test_random_uscc_is_reproducible_and_valid():
    def batch(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [random_uscc(rng, region="460100", kind="92") for _ in range(500)]

    codes = batch(7)
    assert codes == batch(7)
    assert codes != batch(8)
    assert all(is_valid_uscc(code) for code in codes)
    assert all(code.startswith("92460100") for code in codes)
    assert len(set(codes)) == len(codes)
    assert random_uscc(random.Random(1)).startswith("91330100")


def test_fast_path_throughput():
    rng = random.Random(0)
    codes = [random_uscc(rng) for _ in range(100_000)]
    started = time.perf_counter()
    assert all(map(is_valid_uscc, codes))
    # Budget is 1.5 s per million; allow 5x headroom for a busy CI machine.
    assert time.perf_counter() - started < 0.75
