"""Stage 1 (§4): MUST rows, integer k per stratum, k smallest tickets, and the stated properties."""

import hashlib
from fractions import Fraction
from math import ceil

from hypothesis import given
from hypothesis import strategies as st

from tasks.draw.protocol import (
    MUST,
    Candidate,
    Ticketer,
    draw_objects,
    stratum_size,
    stratum_take,
)

STRATA = {"low": {"rate_bp": 300}, "mid": {"rate_bp": 2500}, "high": {"count": 4}}
CHI_SQUARE_9_DOF_P001 = 27.88

seeds = st.binary(min_size=1, max_size=16).map(lambda data: hashlib.sha256(data).hexdigest())


def uscc(number: int) -> str:
    return f"91310100{number:09d}X"


@st.composite
def candidate_lists(draw, max_size: int = 60) -> list[Candidate]:
    numbers = draw(st.lists(st.integers(0, 10**6), unique=True, max_size=max_size))
    return [
        Candidate(uscc(n), draw(st.sampled_from(sorted(STRATA))), draw(st.booleans()))
        for n in numbers
    ]


def reference_take(pool: list[str], k: int, ticketer: Ticketer) -> list[str]:
    return [u for _, u in sorted((ticketer.ticket("OBJ|" + u), u) for u in pool)[:k]]


@given(st.integers(0, 10**6), st.integers(0, 10_000))
def test_k_is_the_integer_ceiling_of_the_rate(n, rate_bp):
    assert stratum_size(n, {"rate_bp": rate_bp}) == ceil(Fraction(n * rate_bp, 10_000))


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_k_is_the_count_capped_by_the_pool(n, count):
    assert stratum_size(n, {"count": count}) == min(n, count)


@given(candidate_lists(), seeds)
def test_must_rows_are_selected_and_each_stratum_gets_exactly_k(candidates, seed):
    objects = draw_objects(candidates, STRATA, Ticketer(seed))

    for candidate in candidates:
        if candidate.must:
            assert objects[candidate.uscc] == MUST
    for stratum, rule in STRATA.items():
        pool = [c for c in candidates if c.stratum == stratum and not c.must]
        assert sum(1 for c in pool if c.uscc in objects) == stratum_size(len(pool), rule)
        assert all(objects[c.uscc] == stratum for c in pool if c.uscc in objects)
    assert list(objects) == sorted(objects)


@given(candidate_lists(), seeds, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(candidates, seed, random):
    shuffled = list(candidates)
    random.shuffle(shuffled)
    ticketer = Ticketer(seed)
    assert draw_objects(shuffled, STRATA, ticketer) == draw_objects(candidates, STRATA, ticketer)


@given(candidate_lists(), seeds, st.data())
def test_removing_a_non_selected_candidate_changes_nothing_else(candidates, seed, data):
    strata = {name: {"count": 3} for name in STRATA}  # a fixed k, so removal cannot change it
    ticketer = Ticketer(seed)
    before = draw_objects(candidates, strata, ticketer)
    unselected = [c for c in candidates if c.uscc not in before]
    if not unselected:
        return
    removed = data.draw(st.sampled_from(unselected))
    remaining = [c for c in candidates if c != removed]
    assert draw_objects(remaining, strata, ticketer) == before


@given(
    st.lists(st.integers(0, 10**6), unique=True, max_size=80).map(lambda ns: [uscc(n) for n in ns]),
    st.integers(0, 90),
    seeds,
)
def test_stratum_take_is_the_k_smallest_by_ticket_then_uscc(pool, k, seed):
    ticketer = Ticketer(seed)
    assert stratum_take(pool, k, ticketer) == reference_take(pool, k, ticketer)


def test_stratum_take_agrees_with_a_full_sort_for_small_and_large_k():
    ticketer = Ticketer(hashlib.sha256(b"stratum_take").hexdigest())
    pool = [uscc(n) for n in range(2000)]
    for k in (1, 10, 249, 250, 251, 1000, 2000, 2500):
        assert stratum_take(pool, k, ticketer) == reference_take(pool, k, ticketer)


def test_selection_is_uniform_over_many_seeds():
    # given: a pool of 10 and k = 3, drawn under 2000 fixed seeds
    pool = [uscc(n) for n in range(10)]
    draws = 2000
    counts = dict.fromkeys(pool, 0)
    # when
    for counter in range(draws):
        seed = hashlib.sha256(f"uniformity-{counter}".encode()).hexdigest()
        for chosen in stratum_take(pool, 3, Ticketer(seed)):
            counts[chosen] += 1
    # then: every item is chosen about 600 times (chi-square, 9 dof, p = 0.001)
    expected = draws * 3 / len(pool)
    chi_square = sum((observed - expected) ** 2 / expected for observed in counts.values())
    assert sum(counts.values()) == draws * 3
    assert chi_square < CHI_SQUARE_9_DOF_P001, counts
