"""Pages of the batch import of inspection objects: upload, job page with its progress bar,
error report download, job list. Thin: access functions, one service each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from platform_site.exports import table_response
from platform_site.lists import list_page
from registries.objects.importing.columns import COLUMNS, import_template_response
from registries.objects.importing.forms import ImportJobFilterForm, ImportUploadForm
from registries.objects.importing.models import DeferredIndex, ImportStatus
from registries.objects.importing.permissions import (
    access_import_job_for_user,
    can_import_objects,
    import_jobs_visible_to,
)
from registries.objects.importing.services import (
    import_job_create,
    import_job_is_running_somewhere,
    import_job_retry,
)


def _require_importer(user) -> None:
    if not can_import_objects(user):
        raise Http404


def _filtered_jobs(request):
    form = ImportJobFilterForm(request.GET or None)
    jobs = import_jobs_visible_to(request.user)
    if form.is_valid():
        if form.cleaned_data["status"]:
            jobs = jobs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            jobs = jobs.filter(original_name__icontains=form.cleaned_data["q"])
    return form, jobs


EXPORT_HEADER = [
    "编号",
    "文件名",
    "部门",
    "上传人",
    "上传时间",
    "状态",
    "总行数",
    "新增",
    "更新",
    "无变化",
    "错误行",
]


def _export_row(job) -> list:
    return [
        job.pk,
        job.original_name,
        job.department.name,
        job.created_by.username,
        job.created_at.isoformat(),
        job.get_status_display(),
        job.total_rows,
        job.inserted_count,
        job.updated_count,
        job.unchanged_count,
        job.invalid_rows,
    ]


@login_required
def import_job_list(request):
    _require_importer(request.user)
    form, jobs = _filtered_jobs(request)
    return list_page(
        request,
        rows=jobs,
        template="registries/import_list.html",
        context={"form": form},
        per_page=30,
        export=_export_response,
    )


def _export_response(jobs, export_format: str):
    return table_response(
        export_format=export_format,
        filename="import-jobs",
        header=EXPORT_HEADER,
        rows=(_export_row(job) for job in jobs.iterator(chunk_size=500)),
        sheet_title=_("导入任务"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_job_create_view(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                uploaded_by=request.user,
                upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
                duplicate_policy=form.cleaned_data["duplicate_policy"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("文件已上传，导入任务已开始。"))
            return redirect("registries:import_job_detail", job_id=job.pk)
    return render(request, "registries/import_form.html", {"form": form, "columns": COLUMNS})


def _job_context(request, job) -> dict:
    # "running" but nobody holds the job's lock: the worker died; offer to run it again.
    stale = job.status == ImportStatus.RUNNING and not import_job_is_running_somewhere(job.pk)
    # A direct bulk load's search and filter indexes are built after its commit.
    indexing = (
        job.status == ImportStatus.SUCCEEDED and DeferredIndex.objects.filter(job=job).exists()
    )
    return {
        "job": job,
        "can_retry": job.status == ImportStatus.FAILED or stale,
        "stale": stale,
        "indexing": indexing,
    }


@login_required
def import_job_detail(request, job_id: int):
    job = access_import_job_for_user(request.user, job_id)
    return render(request, "registries/import_detail.html", _job_context(request, job))


@login_required
def import_job_progress(request, job_id: int):
    """The htmx partial polled every second until the job has finished."""
    job = access_import_job_for_user(request.user, job_id)
    return render(request, "registries/import_progress.html", _job_context(request, job))


@login_required
def import_job_errors(request, job_id: int):
    job = access_import_job_for_user(request.user, job_id)
    if not job.error_report:
        raise Http404
    try:
        handle = job.error_report.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"导入错误报告-{job.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_POST
def import_job_retry_view(request, job_id: int):
    job = access_import_job_for_user(request.user, job_id)
    try:
        import_job_retry(job=job, retried_by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request, error.messages[0] if isinstance(error, ValidationError) else str(error)
        )
    else:
        messages.success(request, _("导入任务已重新排队。"))
    return redirect("registries:import_job_detail", job_id=job.pk)


@login_required
def import_template(request):
    """An empty template with every column (UTF-8 with BOM, so Excel shows the Chinese headers)."""
    _require_importer(request.user)
    return import_template_response()
