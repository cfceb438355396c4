"""The demo city's people have names that do not repeat (a clerk comparing two lists of people
should not meet the same name in two departments)."""

from accounts.demo import GIVEN, SURNAMES, demo_name


def test_demo_names_never_repeat():
    count = len(SURNAMES) * len(GIVEN)
    names = [demo_name(index) for index in range(count)]
    assert len(set(names)) == count
