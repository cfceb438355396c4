"""Rules of results: the official categories ("未发现问题" excludes the others) and the 20-working-day
entry deadline on the official calendar (National Day 2025 with its make-up days; a year without
official data counts weekends only)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tasks.inspections.choices import ResultCategory
from tasks.inspections.services.inspections import result_due_on
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("completed_on", "due_on"),
    [
        # 2025: National Day and Mid-Autumn 10-01..10-08 off, make-up working days 09-28 and 10-11
        (date(2025, 9, 26), date(2025, 10, 30)),
        (date(2025, 9, 30), date(2025, 11, 4)),
        # ended during the holiday: the count starts at the next working day, as from 09-30
        (date(2025, 10, 3), date(2025, 11, 4)),
    ],
)
def test_results_are_due_twenty_working_days_after_the_inspection(completed_on, due_on):
    task = SimpleNamespace(end_date=date(2025, 12, 31))
    assert result_due_on(completed_on=completed_on, task=task) == due_on


@pytest.mark.django_db
def test_a_year_without_official_data_counts_weekends_only():
    task = SimpleNamespace(end_date=date(2031, 9, 26))  # a Friday; no official 2031 schedule
    assert result_due_on(completed_on=None, task=task) == date(2031, 10, 24)
