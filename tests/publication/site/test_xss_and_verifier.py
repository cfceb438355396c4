"""Names that reach the public site through an import are escaped everywhere; the downloadable
verifier re-verifies a real draw bundle on its own (standard library only)."""

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publication.site.models import PublicResult
from publication.site.services import drawn_list_publish
from registries.jobs import object_import_job
from registries.models import ImportJob
from tasks.inspections.choices import ResultCategory
from tasks.inspections.services.results import (
    result_approve,
    result_compile,
    result_correct,
    result_publish,
    result_submit,
)
from tests.registries.imports.conftest import HEADER, csv_bytes

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>&"\'有限公司'


def _import_name(user, code: str, name: str, tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    content = csv_bytes([[code, name, "企业", "330102", "F5221", "食品经营", "B", ""]], HEADER)
    job = ImportJob(
        department=user.department, created_by=user, original_name="objects.csv",
        file_format="csv", file_size=len(content), status="queued",
    )  # fmt: skip
    job.file.save("objects.csv", SimpleUploadedFile("objects.csv", content), save=True)
    outcome = object_import_job(job.pk)
    assert outcome["status"] == "succeeded", outcome


def _republish(result, world, remarks: str):
    staff_a, leader = world.users["staff_a"], world.users["leader"]
    result = result_correct(result=result, corrected_by=staff_a, reason="名称变更后重新公示")
    result = result_compile(
        result=result,
        compiled_by=leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=result.completed_on,
        remarks=remarks,
    )
    result = result_submit(result=result, submitted_by=leader)
    result = result_approve(result=result, approved_by=staff_a)
    return result_publish(result=result, published_by=staff_a)


def test_xss_payloads_in_imported_names_are_escaped_on_every_public_page(
    client, world, published_result, tmp_path, settings
):
    code = world.published.drawn_object.code
    _import_name(world.users["office_admin"], code, PAYLOAD, tmp_path, settings)
    result = _republish(published_result, world, remarks=PAYLOAD)
    drawn_list_publish(
        draw=world.started.task.draws.get(number=1), published_by=world.users["staff_a"]
    )
    assert PublicResult.objects.get(result=result, is_current=True).enterprise_name == PAYLOAD
    task = world.started.task
    pages = [
        reverse("publication:result_detail", args=[result.pk]),
        reverse("publication:enterprise", args=[code]),
        reverse("publication:result_list"),
        reverse("publication:task_detail", args=[task.code]),
        reverse("publication:search") + "?q=" + code,
        reverse("publication:objection_create", args=[result.pk]),
        reverse("publication:feed"),
        reverse("tasks:public_task", args=[task.code]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "<script>alert" not in text and "<img src=x" not in text, url
        assert "&lt;script&gt;alert" in text or "&amp;lt;script" in text, url


def test_the_downloadable_verifier_reverifies_a_real_draw_bundle(client, world, draw, tmp_path):
    drawn_list_publish(draw=draw, published_by=world.users["staff_a"])
    bundle = client.get(reverse("tasks:public_bundle", args=[draw.task.code, draw.number]))
    assert bundle.status_code == 200
    script = client.get(reverse("publication:verifier_script"))
    assert script["Content-Disposition"] == 'attachment; filename="ssj_verify.py"'
    (tmp_path / "ssj_verify.py").write_bytes(script.content)
    (tmp_path / "bundle.json").write_bytes(bundle.content)
    # -I: isolated mode, nothing of the project on the path; the script stands alone
    run = subprocess.run(
        [sys.executable, "-I", "ssj_verify.py", "bundle.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("VALID")
    # and a tampered bundle is refused
    (tmp_path / "bad.json").write_text(bundle.content.decode().replace('"G001"', '"G002"', 1))
    bad = subprocess.run(
        [sys.executable, "-I", "ssj_verify.py", "bad.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 1


def test_the_verifier_script_imports_only_the_standard_library(client):
    import ast

    script = client.get(reverse("publication:verifier_script")).content.decode()
    modules = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            modules.add((node.module or "").split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}
