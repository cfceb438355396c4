"""A drawn joint task (two departments, two groups) for the printing tests, and a clean slate of
documents for each test."""

import pytest

from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tests.tasks.conftest import joint_task, registry, run_on_commit  # noqa: F401


@pytest.fixture(autouse=True)
def _documents_start_clean(clean_documents):
    return clean_documents


@pytest.fixture
def drawn(joint_task, staff_a, staff_b, run_on_commit):  # noqa: F811
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="5")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    return draw
