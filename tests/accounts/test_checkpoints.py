import base64
import json
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from accounts.audit import GENESIS_HASH, record_event, verify_chain, verify_events
from accounts.checkpoints import (
    checkpoint_write,
    key_id,
    latest_checkpoint,
    public_key_text,
    read_log,
)
from accounts.jobs import audit_checkpoint_job
from accounts.models import AuditEvent
from platform_site.celery import app
from platform_site.env import parse_ed25519_private_key, parse_ed25519_public_key


@pytest.fixture
def signing_key(settings):
    key = Ed25519PrivateKey.generate()
    settings.AUDIT_SIGNING_KEY = key
    settings.AUDIT_RETIRED_PUBLIC_KEYS = []
    return key


@pytest.fixture
def events(office_admin):
    return [record_event(actor=office_admin, action=f"test.cp{i}") for i in range(6)]


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_checkpoint_signs_the_head_and_is_appended_to_the_log(
    signing_key, events, audit_checkpoint_log
):
    checkpoint_write()
    record_event(actor=None, action="test.after")
    checkpoint = checkpoint_write()
    lines = _lines(audit_checkpoint_log)
    assert [line["seq"] for line in lines] == [events[-1].seq, events[-1].seq + 1]
    assert lines[-1]["head"] == AuditEvent.objects.get(seq=checkpoint.seq).hash
    assert lines[-1]["key"] == key_id(signing_key.public_key())
    # the signature verifies with nothing but the public key and the documented bytes
    body = {key: lines[-1][key] for key in ("at", "head", "key", "seq")}
    signed = (
        b"ssj-audit-checkpoint/1\n"
        + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    )
    signing_key.public_key().verify(base64.b64decode(lines[-1]["sig"]), signed)
    assert latest_checkpoint() == checkpoint


def test_a_checkpoint_of_an_empty_trail_names_the_genesis(signing_key, db):
    checkpoint = checkpoint_write()
    assert (checkpoint.seq, checkpoint.head) == (0, GENESIS_HASH)


def test_a_checkpoint_needs_the_signing_key(settings, db):
    settings.AUDIT_SIGNING_KEY = None
    with pytest.raises(Exception, match="AUDIT_SIGNING_KEY"):
        checkpoint_write()


def test_forged_and_foreign_checkpoints_are_reported(signing_key, events, audit_checkpoint_log):
    checkpoint_write()
    line = _lines(audit_checkpoint_log)[0]
    forged = {**line, "seq": 2, "head": events[1].hash}  # someone "moves" the checkpoint back
    foreign_key = Ed25519PrivateKey.generate()
    from accounts.checkpoints import sign

    foreign = sign(seq=1, head=events[0].hash, at=events[0].occurred_at, key=foreign_key)
    with audit_checkpoint_log.open("a") as log:
        log.write(json.dumps(forged) + "\n")
        log.write(json.dumps(foreign.as_dict()) + "\n")
        log.write("not json\n")
    log = read_log()
    assert len(log.checkpoints) == 1
    assert log.problems == (
        "checkpoint line 2: the signature does not verify",
        f"checkpoint line 3: signed by unknown key {key_id(foreign_key.public_key())}",
        "checkpoint line 4: not a checkpoint",
    )
    with pytest.raises(CommandError, match="CHECKPOINT LOG"):
        call_command("audit_verify")


def test_checkpoints_of_a_retired_key_still_verify(settings, signing_key, events):
    checkpoint_write()
    settings.AUDIT_SIGNING_KEY = Ed25519PrivateKey.generate()
    assert read_log().problems == (
        f"checkpoint line 1: signed by unknown key {key_id(signing_key.public_key())}",
    )
    settings.AUDIT_RETIRED_PUBLIC_KEYS = [public_key_text(signing_key.public_key())]
    checkpoint_write()
    log = read_log()
    assert (len(log.checkpoints), log.problems) == (2, ())
    assert verify_chain().checkpoints_matched == 2


def test_audit_verify_reports_the_checkpoints_it_matched(signing_key, events, capsys):
    checkpoint_write()
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert f"OK: {len(events)} entries verified" in out
    assert f"1 checkpoints matched, the last at seq {events[-1].seq}" in out


def _chain(length):
    """Plain stand-ins for AuditEvent rows, hashed as the platform hashes them."""
    from django.utils import timezone

    from accounts.audit import _hash_of

    rows, prev = [], GENESIS_HASH
    for seq in range(1, length + 1):
        row = SimpleNamespace(
            seq=seq, prev_hash=prev, occurred_at=timezone.now(), actor_label="system",
            action="test", target_type="", target_id="", target_label="", details={"n": seq},
        )  # fmt: skip
        row.hash = _hash_of(row)
        rows.append(row)
        prev = row.hash
    return rows


def _checkpoint(rows, seq):
    return SimpleNamespace(seq=seq, head=rows[seq - 1].hash, at=f"T{seq}")


def test_each_kind_of_tampering_is_reported_at_its_first_bad_position():
    rows = _chain(12)
    checkpoints = [_checkpoint(rows, 4), _checkpoint(rows, 9)]
    assert verify_events(rows, checkpoints).ok
    # truncated
    assert verify_events([], checkpoints).broken_seq == 1
    # tail deleted up to before the last checkpoint
    report = verify_events(rows[:6], checkpoints)
    assert (report.broken_seq, report.last_matching_seq) == (7, 4)
    # an entry in the middle deleted
    assert verify_events(rows[:4] + rows[5:], checkpoints).broken_seq == 5
    # rewritten and re-hashed after seq 5: consistent on its own, contradicts the checkpoint at 9
    forged, prev = _chain(12), rows[4].hash
    from accounts.audit import _hash_of

    for row in forged[5:]:
        row.details = {"n": row.seq, "forged": True}
        row.prev_hash = prev
        row.hash = _hash_of(row)
        prev = row.hash
    forged[:5] = rows[:5]
    assert verify_events(forged).ok  # without checkpoints nothing shows
    report = verify_events(forged, checkpoints)
    assert (report.broken_seq, report.last_matching_seq) == (9, 4)
    # entries after the last checkpoint are not covered yet (the next checkpoint will be)
    assert verify_events(rows[:10], checkpoints).ok


def test_a_draw_result_is_checkpointed_after_commit(
    signing_key, office_admin, audit_checkpoint_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record_event(actor=office_admin, action="task.update")
    assert not audit_checkpoint_log.exists()
    with django_capture_on_commit_callbacks(execute=True):
        event = record_event(actor=None, action="draw.result", details={"draw": "T-1"})
    assert [line["seq"] for line in _lines(audit_checkpoint_log)] == [event.seq]


def test_checkpoint_job_is_hourly_and_repeatable(signing_key, events, audit_checkpoint_log):
    schedule = app.conf.beat_schedule["audit-checkpoint-hourly"]
    assert schedule["task"] == "accounts.jobs.audit_checkpoint_job"
    assert schedule["schedule"].minute == {0} and len(schedule["schedule"].hour) == 24
    first = audit_checkpoint_job.run()
    second = audit_checkpoint_job.run()
    assert first["seq"] == second["seq"] == events[-1].seq
    assert verify_chain().checkpoints_matched == 2


def test_signing_key_setting_accepts_base64_and_pem_and_refuses_anything_else():
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    for text in (base64.b64encode(raw).decode(), pem):
        parsed = parse_ed25519_private_key("AUDIT_SIGNING_KEY", text)
        assert key_id(parsed.public_key()) == key_id(key.public_key())
    for bad in ("not a key", base64.b64encode(b"short").decode()):
        with pytest.raises(ImproperlyConfigured, match="AUDIT_SIGNING_KEY"):
            parse_ed25519_private_key("AUDIT_SIGNING_KEY", bad)
        with pytest.raises(ImproperlyConfigured, match="AUDIT_RETIRED_PUBLIC_KEYS"):
            parse_ed25519_public_key("AUDIT_RETIRED_PUBLIC_KEYS", bad)


def test_audit_signing_key_command_generates_a_usable_key(capsys, signing_key):
    call_command("audit_signing_key", "generate")
    line = capsys.readouterr().out.splitlines()[0]
    name, value = line.split("=", 1)
    assert name == "AUDIT_SIGNING_KEY"
    assert parse_ed25519_private_key(name, value)
    call_command("audit_signing_key", "public")
    assert public_key_text(signing_key.public_key()) in capsys.readouterr().out


def test_the_latest_checkpoint_is_published_with_its_public_key(
    client, api_client_for, signing_key, events
):
    checkpoint_write()
    record_event(actor=None, action="test.later")
    latest = checkpoint_write()
    public_key = public_key_text(signing_key.public_key())
    body = api_client_for(None).get("/api/v1/accounts/audit/checkpoint/").json()
    assert body["checkpoint"] == latest.as_dict()
    assert body["public_key"] == public_key
    page = client.get("/verify-audit/").content.decode()
    assert latest.head in page and latest.signature in page and public_key in page
    home = client.get("/").content.decode()
    assert f"第 {latest.seq} 条" in home


def test_without_checkpoints_the_public_page_says_so(client, api_client_for, signing_key, db):
    assert (
        api_client_for(None).get("/api/v1/accounts/audit/checkpoint/").json()["checkpoint"] is None
    )
    assert "尚无签名检查点" in client.get("/verify-audit/").content.decode()
