"""The home pages lead somewhere: the office's lists what waits for it with counts; an inspector
sees the groups their inspector record was drawn into; an empty 下一步 box is left out."""

from tasks.choices import TaskStatus
from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review
from tasks.services.tasks import task_submit_for_approval
from tests.tasks.factories import make_task


def test_the_office_home_lists_the_tasks_waiting_for_its_approval(
    registry, staff_a, office_admin, client_for
):
    page = client_for(office_admin).get("/workspace/").content.decode()
    assert 'data-testid="todos"' in page and 'data-testid="todo-count"' not in page
    task = make_task(staff_a, composition={"DEPA": 2})
    task_submit_for_approval(task=task, submitted_by=staff_a)
    assert task.__class__.objects.get(pk=task.pk).status == TaskStatus.PENDING_APPROVAL
    page = client_for(office_admin).get("/workspace/").content.decode()
    todos = page[page.index('data-testid="todos"') :]
    assert (
        "待审批的抽查任务" in todos
        and '<span class="badge warn" data-testid="todo-count">1<' in todos
    )


def test_an_inspector_home_shows_the_groups_of_their_record(
    joint_task, registry, staff_a, staff_b, inspector_a, client_for, run_on_commit
):
    account = inspector_a
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="4 2 6")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    member = draw.members.filter(department_code="DEPA").order_by("-is_leader").first()
    member.inspector.user = account
    member.inspector.save(update_fields=["user"])
    page = client_for(account).get("/workspace/").content.decode()
    groups = page[page.index('data-testid="my-groups"') :]
    assert joint_task.title in groups and member.group_id in groups


def test_a_viewer_with_nothing_to_do_sees_no_next_step_box(
    joint_task, staff_a, staff_b, client_for
):
    # staff_b's department takes part, but nothing is announced yet: nothing for it to do
    page = client_for(staff_b).get(f"/tasks/{joint_task.pk}/").content.decode()
    assert 'data-testid="next-step"' not in page and "下一步" not in page
    assert (
        'data-testid="next-step"'
        in client_for(staff_a).get(f"/tasks/{joint_task.pk}/").content.decode()
    )
