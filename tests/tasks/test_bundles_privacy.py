"""Experts and privacy (issue 10, draw-protocol.md §8.3).

- experts get conflict rows like inspectors: their confirmed recusals and the office's rules;
- the public bundle carries only the conflict rows of drawn objects (and never a reason), and
  says so with "conflicts_scope": "drawn"; it verifies with the reference verifier;
- the full bundle (every row as committed) is for office admins and auditor accounts only;
- a replacement's reason is public as a category, its free text only for the office (and the
  department that wrote it).
"""

import json

import pytest
from django.core.exceptions import PermissionDenied

from accounts.choices import Role
from publication.site.services import drawn_list_publish
from registries.choices import RecusalReason, RecusalStatus
from registries.inspectors.services.recusals import recusal_confirm, recusal_declare
from registries.models import Expert, Recusal, RecusalRule
from tasks.draw.verify import verify_bundle
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tasks.services.replacements import replacement_announce
from tasks.services.snapshots import snapshot_task
from tests.accounts.factories import UserFactory
from tests.tasks.factories import approve, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(office):
    return UserFactory(username="auditor", department=office, roles=[Role.AUDITOR])


@pytest.fixture
def drawn(joint_task, registry, staff_a, staff_b, run_on_commit):
    # recusals over the whole pool: most of their objects will not be drawn
    for inspector in registry["a"][:3] + registry["b"][:2]:
        for obj in registry["objects"][10:30:3]:
            Recusal.objects.create(
                inspector=inspector,
                inspection_object=obj,
                reason=RecusalReason.RELATIVE,
                status=RecusalStatus.CONFIRMED,
                declared_by=staff_a,
            )
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="2024")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    # the public bundle is served once the drawn list is published (the public site's publish step)
    drawn_list_publish(draw=draw, published_by=staff_a)
    return draw


def _json(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_the_public_bundle_has_only_the_conflict_rows_of_drawn_objects(drawn, client_for):
    public = _json(
        client_for(None).get(f"/tasks/public/{drawn.task.code}/draws/{drawn.number}/bundle.json")
    )
    assert public["conflicts_scope"] == "drawn"
    drawn_objects = set(drawn.result["objects"])
    assert all(row.split(",")[1] in drawn_objects for row in public["conflicts"])
    assert len(public["conflicts"]) < drawn.conflict_count
    report = verify_bundle(public)
    assert report.valid and report.public, report.problems


def test_the_public_api_serves_the_public_bundle(drawn, api_client_for):
    response = api_client_for(None).get(
        f"/api/v1/tasks/public/{drawn.task.code}/draws/{drawn.number}/bundle/"
    )
    assert _json(response)["conflicts_scope"] == "drawn"


@pytest.mark.parametrize(
    ("who", "full"),
    [("office_admin", True), ("auditor", True), ("staff_a", False), ("staff_b", False)],
)
def test_only_the_office_and_auditors_get_the_full_bundle(
    drawn, who, full, request, client_for, api_client_for, office_admin
):
    from tasks.services.grants import task_grant_auditor_year

    user = request.getfixturevalue(who)
    if who == "auditor":  # an auditor reads the tasks of the years the office granted
        task_grant_auditor_year(
            auditor=user, year=drawn.task.start_date.year, granted_by=office_admin
        )
    for bundle in (
        _json(client_for(user).get(f"/tasks/draws/{drawn.pk}/bundle.json")),
        _json(api_client_for(user).get(f"/api/v1/tasks/draws/{drawn.pk}/bundle/")),
    ):
        assert ("conflicts_scope" not in bundle) is full
        assert (len(bundle["conflicts"]) == drawn.conflict_count) is full
        assert verify_bundle(bundle).valid


def test_the_office_may_ask_for_the_public_form_too(drawn, client_for, office_admin):
    bundle = _json(client_for(office_admin).get(f"/tasks/draws/{drawn.pk}/bundle.json?form=public"))
    assert bundle["conflicts_scope"] == "drawn"


def test_a_replacement_publishes_its_reason_as_a_category_only(
    drawn, staff_a, staff_b, office_admin, client_for, run_on_commit
):
    member = drawn.members.filter(department_code="DEPB").first()
    replacement = replacement_announce(
        draw=drawn,
        inspector_code=member.code,
        reason="肝功能异常住院治疗，预计三周",
        category="illness",
        announced_by=staff_a,
    )
    assert replacement.params["replacement"]["reason"] == "illness"
    review_confirm(review=replacement.reviews.get(), confirmed_by=staff_b, witness="5")
    run_on_commit(draw_reveal, draw=replacement, revealed_by=staff_a)
    text = "肝功能异常"
    public_page = client_for(None).get(f"/tasks/public/{drawn.task.code}/").content.decode()
    public_bundle = (
        client_for(None)
        .get(f"/tasks/public/{drawn.task.code}/draws/{replacement.number}/bundle.json")
        .content.decode()
    )
    assert text not in public_page and text not in public_bundle
    assert "因病" in public_page
    participant = client_for(staff_b).get(f"/tasks/draws/{replacement.pk}/").content.decode()
    assert text not in participant
    assert text in client_for(office_admin).get(f"/tasks/draws/{replacement.pk}/").content.decode()
    assert text in client_for(staff_a).get(f"/tasks/draws/{replacement.pk}/").content.decode()


# --- experts ------------------------------------------------------------------------------------


@pytest.fixture
def expert_task(registry, staff_a, department_b, office_admin):
    experts = [
        Expert.objects.create(
            code=f"EXPERT-{n:04d}",
            name=f"专家{n}",
            organisation="检测院",
            speciality="食品",
            region_code="330102" if n == 1 else "",
        )
        for n in range(1, 5)
    ]
    task = approve(
        make_task(
            staff_a,
            participants=[department_b],
            composition={"DEPA": 1, "DEPB": 1, "EXPERT": 1},
        ),
        office_admin,
    )
    return task, experts


def test_an_experts_confirmed_recusal_is_a_conflict_row(
    expert_task, registry, office_admin, staff_a
):
    task, experts = expert_task
    obj = registry["objects"][7]
    with pytest.raises(PermissionDenied):  # a department cannot declare for an expert
        recusal_declare(
            expert=experts[2],
            inspection_object=obj,
            reason=RecusalReason.RELATIVE,
            declared_by=staff_a,
        )
    recusal = recusal_declare(
        expert=experts[2],
        inspection_object=obj,
        reason=RecusalReason.RELATIVE,
        declared_by=office_admin,
    )
    assert f"{experts[2].code},{obj.code}" not in {
        c.row for c in snapshot_task(task).inputs.conflicts
    }
    recusal_confirm(recusal=recusal, decided_by=office_admin)
    assert f"{experts[2].code},{obj.code}" in {c.row for c in snapshot_task(task).inputs.conflicts}


def test_the_offices_region_rule_applies_to_experts(expert_task, registry):
    task, experts = expert_task
    RecusalRule.objects.create(kind=RecusalRule.Kind.OWN_REGION, is_active=True)
    rows = {c.row for c in snapshot_task(task).inputs.conflicts}
    # every registry object is in 330102, the first expert's region
    assert {f"{experts[0].code},{obj.code}" for obj in registry["objects"]} <= rows
    assert not any(row.startswith(experts[1].code + ",") for row in rows)
