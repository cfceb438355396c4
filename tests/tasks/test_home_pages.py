"""The home pages lead somewhere: the office's lists what waits for it with counts; an inspector
an empty 下一步 box is left out."""

from tasks.choices import TaskStatus
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
