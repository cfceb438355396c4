import io
import json

import pytest
from django.core.management import call_command

from tasks.services.draws import draw_reveal, review_confirm, task_push_to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(joint_task, staff_a, staff_b, run_on_commit):
    draw = task_push_to_review(task=joint_task, pushed_by=staff_a)
    review_confirm(review=draw.reviews.get(), confirmed_by=staff_b, witness="5")
    run_on_commit(draw_reveal, draw=draw, revealed_by=staff_a)
    draw.refresh_from_db()
    return draw


def test_export_then_verify(drawn, tmp_path):
    out = io.StringIO()
    call_command("export_draw_bundle", drawn.task.code, stdout=out)
    path = tmp_path / "bundle.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    report = io.StringIO()
    call_command("verify_draw", str(path), stdout=report)
    assert report.getvalue().startswith("VALID")


def test_export_all_is_a_list(drawn):
    out = io.StringIO()
    call_command("export_draw_bundle", drawn.task.code, "--all", stdout=out)
    assert isinstance(json.loads(out.getvalue()), list)


def test_verify_reports_what_differs_and_exits_1(drawn, tmp_path):
    out = io.StringIO()
    call_command("export_draw_bundle", drawn.task.code, stdout=out)
    bundle = json.loads(out.getvalue())
    first = next(iter(bundle["result"]["assignment"]))
    bundle["result"]["assignment"][first] = "G999"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    report = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_draw", str(path), stdout=report)
    assert exit_info.value.code == 1
    assert "INVALID" in report.getvalue() and first in report.getvalue()


def test_list_draws(drawn):
    out = io.StringIO()
    call_command("list_draws", stdout=out)
    assert out.getvalue().strip() == f"{drawn.task.code} 1 drawn"
