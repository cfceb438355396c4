"""tasks.draw.fast.draw_objects_fast gives exactly the reference protocol.draw_objects result."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.draw.fast import draw_objects_fast
from tasks.draw.protocol import Candidate, Ticketer, draw_objects
from tests.tasks.factories import uscc

KAT = Path(__file__).parent / "draw" / "kat" / "draw-protocol-kat.json"


def test_matches_the_known_answer_bundle():
    bundle = json.loads(KAT.read_text(encoding="utf-8"))
    rows = [tuple(line.split(",")) for line in bundle["candidates"]]
    rows = [(u, s, m == "1") for u, s, m in rows]
    assert (
        draw_objects_fast(rows, bundle["params"]["strata"], bundle["result"]["seed"])
        == bundle["result"]["objects"]
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.binary(min_size=32, max_size=32).map(bytes.hex),
    spec=st.lists(st.tuples(st.sampled_from("ABC"), st.booleans()), min_size=1, max_size=80),
    rules=st.fixed_dictionaries(
        {
            "A": st.one_of(
                st.builds(lambda v: {"rate_bp": v}, st.integers(0, 10000)),
                st.builds(lambda v: {"count": v}, st.integers(0, 50)),
            ),
            "B": st.builds(lambda v: {"rate_bp": v}, st.integers(0, 10000)),
            "C": st.builds(lambda v: {"count": v}, st.integers(0, 90)),
        }
    ),
)
def test_equals_the_reference_for_any_seed_and_pool(seed, spec, rules):
    candidates = [Candidate(uscc(n), stratum, must) for n, (stratum, must) in enumerate(spec)]
    rows = [(c.uscc, c.stratum, c.must) for c in candidates]
    assert draw_objects_fast(rows, rules, seed) == draw_objects(candidates, rules, Ticketer(seed))
