"""Ticketer is HMAC-SHA256 keyed with the seed's 64 hex characters, only faster."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.draw.protocol import ProtocolError, Ticketer

seeds = st.binary(min_size=1, max_size=64).map(lambda data: hashlib.sha256(data).hexdigest())


@given(seeds, st.text(max_size=200))
def test_ticket_equals_hmac_new(seed, message):
    expected = hmac.new(seed.encode("ascii"), message.encode("utf-8"), hashlib.sha256).hexdigest()
    assert Ticketer(seed).ticket(message) == expected


@given(seeds, st.lists(st.text(max_size=40), max_size=10))
def test_tickets_do_not_depend_on_earlier_tickets(seed, messages):
    ticketer = Ticketer(seed)
    first_pass = [ticketer.ticket(message) for message in messages]
    assert [ticketer.ticket(message) for message in reversed(messages)] == first_pass[::-1]


def test_ticket_matches_openssl_dgst_hmac():
    # printf %s 'OBJ|91310100000000014X' | openssl dgst -sha256 -hmac <KAT seed>
    seed = "88db1ad855398d94b161a346ecc4714b5d71a8911c3aaa85dc09e589b9a34e70"
    assert Ticketer(seed).ticket("OBJ|91310100000000014X") == (
        "020769a6628f9466945b014130999a6ec9f15c9e809fe23c7a76726874958cd5"
    )


@pytest.mark.parametrize("seed", ["A" * 64, "a" * 63, "g" * 64, ""])
def test_ticketer_rejects_a_malformed_seed(seed):
    with pytest.raises(ProtocolError):
        Ticketer(seed)
