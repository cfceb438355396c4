"""API of the batch import of inspection objects. Thin: parse, access, one service, serialise."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_site.api import call_service
from registries.models import ImportJob
from registries.objects.importing.columns import import_template_response
from registries.objects.importing.models import DuplicatePolicy, ImportMode
from registries.objects.importing.permissions import (
    CanImportObjects,
    access_import_job_for_user,
    import_jobs_visible_to,
)
from registries.objects.importing.services import import_job_create, import_job_retry


class ImportJobOutputSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id", "original_name", "file_format", "file_size", "department", "created_by", "created_at",
            "mode", "duplicate_policy", "status", "status_label", "is_finished", "attempts",
            "total_rows", "processed_rows", "progress_percent", "valid_rows", "invalid_rows", "error_count",
            "inserted_count", "updated_count", "unchanged_count", "failure_reason", "error_report_url",
            "started_at", "finished_at", "duration_seconds",
        ]  # fmt: skip
        read_only_fields = fields

    def get_error_report_url(self, job: ImportJob) -> str | None:
        if not job.error_report:
            return None
        return reverse("registries_api:import_job_errors", kwargs={"job_id": job.pk})


class ImportJobListApi(ListAPIView):
    """Import jobs: the own department's, or every department's for the office."""

    serializer_class = ImportJobOutputSerializer
    permission_classes = [CanImportObjects]
    queryset = ImportJob.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return import_jobs_visible_to(self.request.user)


class ImportJobCreateApi(APIView):
    """Upload a CSV, XLSX or XLS file of objects (at most 512 MB, 1,000,000 rows); the import
    runs as a background job. A department updates only the objects it supervises undisputed and
    claims only for itself; a blank cell keeps the stored value, 【清空】 clears it."""

    throttle_scope = "upload"

    permission_classes = [CanImportObjects]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.VALID_ROWS)
        duplicate_policy = serializers.ChoiceField(
            choices=DuplicatePolicy.choices, default=DuplicatePolicy.UPDATE
        )

    @extend_schema(request=InputSerializer, responses={201: ImportJobOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = call_service(
            import_job_create,
            uploaded_by=request.user,
            upload=data.validated_data["file"],
            mode=data.validated_data["mode"],
            duplicate_policy=data.validated_data["duplicate_policy"],
        )
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportJobDetailApi(APIView):
    """Status and progress of one import job (poll until is_finished)."""

    permission_classes = [CanImportObjects]

    @extend_schema(responses=ImportJobOutputSerializer)
    def get(self, request, job_id: int):
        job = access_import_job_for_user(request.user, job_id)
        return Response(ImportJobOutputSerializer(job).data)


class ImportJobErrorsApi(APIView):
    """The error report: CSV, UTF-8 with BOM, columns 行号, 列, 值, 原因."""

    permission_classes = [CanImportObjects]

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="错误报告 CSV"
            ),
            404: OpenApiResponse(description="没有该任务或该任务没有错误报告"),
        }
    )
    def get(self, request, job_id: int):
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
            filename=f"import-errors-{job.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )


class ImportTemplateApi(APIView):
    """An empty object-import file: every column's header and one example row (CSV, UTF-8 with
    BOM), as the import page offers it."""

    permission_classes = [CanImportObjects]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request):
        return import_template_response()


class ImportJobRetryApi(APIView):
    """Queue a failed job, or one whose worker died, again."""

    permission_classes = [CanImportObjects]

    @extend_schema(request=None, responses={202: ImportJobOutputSerializer})
    def post(self, request, job_id: int):
        job = access_import_job_for_user(request.user, job_id)
        job = call_service(import_job_retry, job=job, retried_by=request.user)
        return Response(ImportJobOutputSerializer(job).data, status=status.HTTP_202_ACCEPTED)
