"""Every empty staff list says what to do next (issue 16): one sentence from
templates/includes/empty.html, with the next step as a link only for a viewer allowed to take it;
a filtered empty list offers to clear its filters instead."""

import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

EMPTY_STATE = re.compile(r'<div class="empty-state" data-testid="empty-state">(.*?)</div>', re.S)
ACTION = re.compile(r'<a class="button small[^"]*" href="([^"]+)" data-testid="empty-action">')
YEAR = timezone.localdate().year

# (page, persona, sentence it contains, the action links it offers: none where it may not act)
CASES = [
    ("/tasks/", "staff_a", "还没有联合抽查任务", ["/tasks/new/", "/plans/"]),
    ("/tasks/", "inspector_a", "还没有联合抽查任务", []),
    ("/plans/", "office_admin", "还没有年度计划", ["/plans/open/"]),
    ("/plans/", "staff_a", "还没有年度计划", []),
    ("/catalog/", "office_admin", "清单中还没有抽查事项", ["/catalog/imports/", "/catalog/new/"]),
    ("/catalog/", "staff_a", "清单中还没有抽查事项", []),
    ("/catalog/proposals/", "staff_a", "还没有事项调整建议", ["/catalog/proposals/new/"]),
    ("/catalog/proposals/", "office_admin", "还没有事项调整建议", []),
    (
        "/registries/objects/",
        "staff_a",
        "本部门还没有认领检查对象",
        ["/registries/imports/new/", "/registries/objects/claim/"],
    ),
    (
        "/registries/objects/",
        "office_admin",
        "检查对象库还是空的",
        ["/registries/imports/new/", "/registries/objects/new/"],
    ),
    ("/registries/objects/", "inspector_a", "本部门还没有认领检查对象", []),
    (
        "/registries/inspectors/",
        "dept_admin_a",
        "执法检查人员库还是空的",
        ["/registries/inspectors/new/", "/registries/inspectors/import/"],
    ),
    ("/registries/inspectors/", "inspector_a", "执法检查人员库还是空的", []),
    ("/registries/inspectors/experts/", "inspector_a", "专家库还是空的", []),
    ("/registries/inspectors/recusals/", "inspector_a", "还没有回避申报", []),
    (
        "/registries/inspectors/recusals/queue/",
        "dept_admin_a",
        "没有待确认的回避申报",
        ["/registries/inspectors/recusals/"],
    ),
    ("/registries/imports/", "staff_a", "还没有批量导入任务", ["/registries/imports/new/"]),
    (
        "/registries/objects/disputes/",
        "office_admin",
        "没有待处理的认领争议",
        ["/registries/objects/"],
    ),
    ("/inspections/", "staff_a", "还没有检查", ["/tasks/"]),
    ("/inspections/measures/", "staff_a", "还没有后续处置措施", ["/inspections/"]),
    ("/inbox/", "staff_a", "没有通知", []),
    ("/audit/", "office_admin", "审计日志还没有事件", []),
    ("/publication/", "staff_a", "没有待公示的抽查名单", ["/tasks/"]),
    ("/publication/", "staff_a", "没有企业异议", []),
    ("/deadlines/", "staff_a", "没有进行中的期限", []),
    (f"/indicators/{YEAR}/measures/sampling/", "office_admin", "没有计入该指标的记录", []),
    (f"/indicators/{YEAR}/other-inspections/", "office_admin", "还没有登记其他检查", []),
    ("/workspace/", "office_admin", "没有等待联席办办理的事项", []),
    ("/contacts/", "office_admin", "还没有成员部门", ["/departments/new/"]),
]


def empty_states(html: str) -> list[str]:
    return EMPTY_STATE.findall(html)


@pytest.mark.parametrize(("path", "persona", "sentence", "actions"), CASES)
def test_an_empty_list_says_what_to_do_next(request, client_for, path, persona, sentence, actions):
    # given: nothing in the list
    client = client_for(request.getfixturevalue(persona))
    # when
    response = client.get(path)
    # then: the sentence, and the next steps only for a viewer who may take them
    assert response.status_code == 200, path
    states = [state for state in empty_states(response.content.decode()) if sentence in state]
    assert len(states) == 1, (path, empty_states(response.content.decode()))
    assert ACTION.findall(states[0]) == actions
    for href in actions:
        assert client.get(href).status_code == 200, href


def test_a_filtered_empty_list_offers_to_clear_the_filters(client_for, staff_a):
    response = client_for(staff_a).get("/tasks/", {"q": "没有这个任务", "status": ""})
    [state] = empty_states(response.content.decode())
    assert "没有符合筛选条件的记录" in state
    assert 'href="?" data-testid="empty-clear"' in state
    assert "/tasks/new/" not in state
    # a blank filter form submitted is not a filter
    [state] = empty_states(client_for(staff_a).get("/tasks/", {"status": ""}).content.decode())
    assert "还没有联合抽查任务" in state
