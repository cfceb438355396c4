"""Pages and API of the object import, with the permission matrix."""

import pytest
from django.urls import reverse

from registries.models import DeferredIndex, ImportJob
from tests.registries.imports.conftest import csv_bytes, object_rows, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_a(run_import, dept_admin_a):
    rows = object_rows(3)
    rows[2][0] = "bad"
    return run_import(dept_admin_a, csv_bytes(rows))


def page_urls(job):
    return [
        reverse("registries:import_job_detail", args=[job.pk]),
        reverse("registries:import_job_progress", args=[job.pk]),
        reverse("registries:import_job_errors", args=[job.pk]),
    ]


def api_urls(job):
    return [
        reverse("registries_api:import_job_detail", args=[job.pk]),
        reverse("registries_api:import_job_errors", args=[job.pk]),
    ]


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("dept_admin_a", True), ("staff_a", True), ("liaison_a", True), ("office_admin", True),
     ("dept_admin_b", False), ("staff_b", False), ("inspector_a", False), ("witness_a", False)],
)  # fmt: skip
def test_only_the_own_department_and_the_office_see_a_job(
    request, job_a, client_for, api_client_for, persona, visible
):
    user = request.getfixturevalue(persona)
    client, api = client_for(user), api_client_for(user)
    for url in page_urls(job_a):
        assert client.get(url).status_code == (200 if visible else 404), url
    for url in api_urls(job_a):
        assert api.get(url).status_code == (
            200 if visible else (404 if persona.endswith("_b") else 403)
        ), url
    listed = [
        item["id"]
        for item in api.get(reverse("registries_api:import_job_list")).json().get("results", [])
    ]
    assert (job_a.pk in listed) == visible


def test_anonymous_is_sent_to_login_and_refused_by_the_api(job_a, client_for, api_client_for):
    for url in page_urls(job_a):
        assert client_for(None).get(url).status_code == 302
    for url in api_urls(job_a):
        assert api_client_for(None).get(url).status_code == 403


def test_inspectors_cannot_upload(client_for, api_client_for, inspector_a):
    assert client_for(inspector_a).get(reverse("registries:import_job_create")).status_code == 404
    response = api_client_for(inspector_a).post(
        reverse("registries_api:import_job_create"),
        {"file": upload(csv_bytes(object_rows(1)))},
        format="multipart",
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_upload_page_creates_the_job_and_shows_the_result(
    client_for, staff_a, django_capture_on_commit_callbacks
):
    client = client_for(staff_a)
    assert "上传并导入" in client.get(reverse("registries:import_job_create")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registries:import_job_create"),
            {
                "file": upload(csv_bytes(object_rows(2))),
                "mode": "valid_rows",
                "duplicate_policy": "update",
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registries:import_job_detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="succeeded"' in page
    assert 'value="100"' in page
    assert "hx-trigger" not in page  # finished: polling stops


def test_a_running_job_page_polls_every_second(client_for, dept_admin_a, job_a):
    ImportJob.objects.filter(pk=job_a.pk).update(status="queued", processed_rows=0, total_rows=10)
    page = (
        client_for(dept_admin_a)
        .get(reverse("registries:import_job_progress", args=[job_a.pk]))
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in page
    assert reverse("registries:import_job_progress", args=[job_a.pk]) in page


def test_pages_say_when_a_bulk_load_s_search_indexes_are_still_being_built(
    client_for, dept_admin_a, job_a
):
    client = client_for(dept_admin_a)
    progress_url = reverse("registries:import_job_progress", args=[job_a.pk])
    list_url = reverse("registries:object_list")
    assert 'data-testid="indexing-notice"' not in client.get(list_url).content.decode()
    # given: the job's load committed, its indexes not built yet
    DeferredIndex.objects.create(
        name="object_name_trgm", table="registries_inspectionobject", definition="…", job=job_a
    )
    # then: the job page says so and keeps polling until they are, and so does the registry page
    page = client.get(progress_url).content.decode()
    assert 'data-testid="indexing-notice"' in page
    assert 'hx-trigger="every 3s"' in page
    assert 'data-testid="indexing-notice"' in client.get(list_url).content.decode()
    DeferredIndex.objects.all().delete()
    page = client.get(progress_url).content.decode()
    assert 'data-testid="indexing-notice"' not in page
    assert "hx-trigger" not in page


def test_upload_page_shows_file_errors_on_the_form(client_for, dept_admin_a):
    response = client_for(dept_admin_a).post(
        reverse("registries:import_job_create"),
        {
            "file": upload(csv_bytes(object_rows(2), encoding="utf-16")),
            "mode": "valid_rows",
            "duplicate_policy": "update",
        },
    )
    assert response.status_code == 200
    assert "UTF-16" in response.content.decode()


def test_error_report_downloads_with_bom_and_chinese_header(client_for, dept_admin_a, job_a):
    response = client_for(dept_admin_a).get(
        reverse("registries:import_job_errors", args=[job_a.pk])
    )
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "行号,列,值,原因"
    assert "4,统一社会信用代码,BAD,统一社会信用代码应为 18 位，实际为 3 位" in text
    assert "attachment" in response["Content-Disposition"]


def test_job_list_filters_and_exports(client_for, dept_admin_a, job_a):
    client = client_for(dept_admin_a)
    assert job_a.original_name in client.get(reverse("registries:import_job_list")).content.decode()
    assert (
        job_a.original_name
        not in client.get(reverse("registries:import_job_list") + "?status=failed").content.decode()
    )
    export = client.get(reverse("registries:import_job_list") + "?format=csv")
    assert b"".join(export.streaming_content).decode("utf-8-sig").startswith("编号,文件名")
    xlsx = client.get(reverse("registries:import_job_list") + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    template = client.get(reverse("registries:import_template"))
    assert template.content.decode("utf-8-sig").startswith("统一社会信用代码/对象编码,名称")


def test_api_upload_status_report_and_retry(
    api_client_for, dept_admin_a, django_capture_on_commit_callbacks
):
    api = api_client_for(dept_admin_a)
    rows = object_rows(3)
    rows[1][3] = "x"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            reverse("registries_api:import_job_create"),
            {
                "file": upload(csv_bytes(rows)),
                "mode": "all_or_nothing",
                "duplicate_policy": "report",
            },
            format="multipart",
        )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "queued"
    status = api.get(
        reverse("registries_api:import_job_detail", args=[created.json()["id"]])
    ).json()
    assert status["status"] == "rejected"
    assert (status["progress_percent"], status["invalid_rows"], status["inserted_count"]) == (
        100,
        1,
        0,
    )
    report = api.get(status["error_report_url"])
    assert report.status_code == 200
    assert "行政区划代码" in b"".join(report.streaming_content).decode("utf-8-sig")
    retry = api.post(reverse("registries_api:import_job_retry", args=[status["id"]]))
    assert retry.status_code == 400


def test_api_refuses_bad_files_with_the_chinese_reason(api_client_for, dept_admin_a):
    response = api_client_for(dept_admin_a).post(
        reverse("registries_api:import_job_create"),
        {"file": upload(csv_bytes(object_rows(1), encoding="utf-16"))},
        format="multipart",
    )
    assert response.status_code == 400
    assert "UTF-16" in response.json()["file"][0]


def test_openapi_schema_has_no_warnings_for_the_import_endpoints(capsys):
    from django.core.management import call_command

    call_command("spectacular", "--file", "/dev/null")
    err = capsys.readouterr().err
    assert "import_views" not in err
    assert "ImportJob" not in err
