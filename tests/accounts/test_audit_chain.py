import itertools
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.utils import DatabaseError

from accounts.audit import GENESIS_HASH, record_event, verify_chain
from accounts.models import AuditEvent


@pytest.fixture
def three_events(office_admin):
    return [
        record_event(actor=office_admin, action=f"test.step{i}", details={"n": i, "名称": "甲"})
        for i in range(3)
    ]


def test_events_form_a_hash_chain(three_events):
    first = AuditEvent.objects.order_by("seq").first()
    assert first.prev_hash == GENESIS_HASH
    for previous, event in itertools.pairwise(three_events):
        assert event.prev_hash == previous.hash
    assert verify_chain().ok


def test_database_rejects_update_and_delete(three_events):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=three_events[0].seq).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=three_events[0].seq).delete()


def test_audit_verify_reports_ok_and_head(three_events, capsys):
    call_command("audit_verify")
    assert f"head {three_events[-1].hash}" in capsys.readouterr().out


def test_event_rolls_back_with_its_transaction(office_admin):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=office_admin, action="test.rollback")
        raise RuntimeError
    assert AuditEvent.objects.count() == before


def test_office_admin_sees_the_head_hash(client_for, office_admin, three_events):
    response = client_for(office_admin).get("/audit/")
    assert three_events[-1].hash in response.content.decode()


def test_audit_csv_export_neutralises_formulas(client_for, office_admin):
    record_event(actor=office_admin, action="test.formula", details={})
    from accounts.models import Department

    department = Department.objects.create(code="FORM", name="=HYPERLINK(1)")
    record_event(actor=office_admin, action="test.target", target=department)
    response = client_for(office_admin).get("/audit/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_audit_head_is_public(api_client_for, office_admin):
    response = api_client_for(None).get("/api/v1/accounts/audit/head/")
    assert response.status_code == 200
    assert len(response.json()["hash"]) == 64


def test_the_audit_filter_offers_the_readable_actions_and_filters_by_one(client_for, office_admin):
    record_event(actor=office_admin, action="account.freeze")
    record_event(actor=office_admin, action="task.approve")
    client = client_for(office_admin)
    page = client.get("/audit/").content.decode()
    # a choice of the labels the log shows, starting at 全部; every app's actions are there
    select = re.search(r'<select name="action".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options[0] == ("", "全部")
    assert ("account.freeze", "冻结账户") in options
    assert ("task.approve", "审批任务") in options
    assert ("plan.publish", "公开年度计划") in options
    filtered = client.get("/audit/", {"action": "task.approve"}).content.decode()
    assert "审批任务</td>" in filtered
    assert "冻结账户</td>" not in filtered


def test_an_unknown_audit_action_is_a_clear_error_not_a_list(client_for, office_admin):
    record_event(actor=office_admin, action="account.freeze")
    response = client_for(office_admin).get("/audit/", {"action": "no.such<action>"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error" role="alert"' in page
    assert "没有这种操作，请从列表中选择。" in page
    assert "冻结账户</td>" not in page  # no list that looks filtered but is not
