"""The tampering drill (docs/operations.md): truncating the trail, deleting its tail, rewriting an
entry, and rewriting and re-hashing entries before the last checkpoint are each reported by
audit_verify at the first bad position, and the drill leaves the trail as it was."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from accounts.audit import record_event, verify_chain
from accounts.checkpoints import checkpoint_write, read_log
from accounts.drill import run_drill
from accounts.models import AuditEvent


@pytest.fixture
def signing_key(settings):
    settings.AUDIT_SIGNING_KEY = Ed25519PrivateKey.generate()


@pytest.mark.usefixtures("transactional_db", "signing_key")
def test_the_drill_reports_every_tampering_and_changes_nothing(office_admin, capsys):
    # given: a committed trail of 20 entries with an hourly checkpoint at seq 5
    for i in range(5):
        record_event(actor=office_admin, action="test.drill", details={"n": i})
    checkpoint_write()
    for i in range(5, 20):
        record_event(actor=office_admin, action="test.drill", details={"n": i})
    before = list(AuditEvent.objects.order_by("seq").values_list("seq", "hash"))
    head = before[-1][0]
    # when
    results = {result.scenario: result for result in run_drill()}
    # then: the drill signed a checkpoint of the head, and each tampering is named where it starts
    assert sorted(c.seq for c in read_log().checkpoints) == [5, head]
    expected = {
        "truncate": 1,
        "delete the tail": head - 2,
        "rewrite": head - 10,
        "rewrite and re-hash": head,  # the first checkpoint after the rewritten entry
    }
    assert {name: result.report.broken_seq for name, result in results.items()} == expected
    assert all(result.detected for result in results.values())
    assert results["rewrite and re-hash"].report.last_matching_seq == 5
    assert "entries 1–20 are missing" in results["truncate"].report.problem
    # and nothing stayed tampered with
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", "hash")) == before
    assert verify_chain().ok
    # the operators' command says the same
    call_command("audit_drill")
    out = capsys.readouterr().out
    assert out.count("reported:") == 4
    assert "All 4 tamperings reported; nothing was changed." in out


def test_the_drill_needs_a_trail_and_refuses_production(db, settings, signing_key):
    with pytest.raises(CommandError, match="at least 4 audit entries"):
        call_command("audit_drill")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="trial system"):
        call_command("audit_drill")
