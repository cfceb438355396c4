"""A draw's result is anchored outside the database at once: a signed audit checkpoint is written
after the commit that records it (accounts/checkpoints.py)."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from accounts.audit import verify_chain
from accounts.checkpoints import read_log
from accounts.models import AuditEvent
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review

pytestmark = pytest.mark.django_db


def test_a_signed_checkpoint_follows_every_draw_result(
    joint_task, staff_a, staff_b, run_on_commit, settings
):
    settings.AUDIT_SIGNING_KEY = Ed25519PrivateKey.generate()
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="2718")
    assert read_log().checkpoints == ()
    # when
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    # then
    result = AuditEvent.objects.get(action="draw.result")
    checkpoints = read_log().checkpoints
    assert [(c.seq, c.head) for c in checkpoints] == [(result.seq, result.hash)]
    assert verify_chain().checkpoints_matched == 1
