"""Rules of results: the official categories ("未发现问题" excludes the others). The 20-working-day
entry deadline on the official calendar is tested with the deadlines (test_deadlines.py)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tasks.inspections.choices import ResultCategory
from tasks.inspections.services.results import clean_categories

CATEGORIES = st.lists(st.sampled_from(ResultCategory.values), max_size=6)


@given(CATEGORIES)
def test_categories_are_cleaned_to_the_official_order_or_refused(chosen):
    if not chosen or (ResultCategory.NO_PROBLEM in chosen and len(set(chosen)) > 1):
        with pytest.raises(ValidationError):
            clean_categories(chosen)
        return
    cleaned = clean_categories(chosen)
    assert set(cleaned) == set(chosen)
    assert cleaned == [value for value in ResultCategory.values if value in cleaned]
    assert clean_categories(cleaned) == cleaned


def test_unknown_categories_are_refused():
    with pytest.raises(ValidationError):
        clean_categories(["no_problem_at_all"])
