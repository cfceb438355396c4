"""The documents API: ask for a printable document, follow its rendering, fetch the PDF. Access is
the access of the page each document belongs to (its kind's function), so these views admit
anyone and let the kind decide: a published plan for everyone, a task's forms for its departments
and inspectors."""

from __future__ import annotations

from django.http import Http404
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_site.documents import (
    Document,
    DocumentStatus,
    access_document_for_user,
    all_kinds,
    document_request,
    file_response,
    get_kind,
)

PARAM_FIELDS = ("draw", "task", "drawn_object", "matter", "year", "number")


class DocumentOutputSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="文书标识（随内容指纹变化）")
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    params = serializers.DictField(child=serializers.IntegerField())
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    progress_percent = serializers.IntegerField()
    page_count = serializers.IntegerField()
    file_size = serializers.IntegerField()
    requested_at = serializers.CharField()
    rendered_at = serializers.CharField()
    failure_reason = serializers.CharField()
    file_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()

    def get_kind_label(self, document: Document) -> str:
        return get_kind(document.kind).label

    def get_file_url(self, document: Document) -> str | None:
        if not document.is_ready:
            return None
        return reverse("documents_api:document_file", args=[document.id])

    def get_page_url(self, document: Document) -> str:
        return get_kind(document.kind).url(document.params)


class DocumentRequestInputSerializer(serializers.Serializer):
    """The kind and the parameters that identify its subject; each kind names the ones it
    needs (draw record: draw; inspection notice, on-site record, rectification notice:
    drawn_object, and for the record an optional matter; all notices of a task: task; blank
    matter form: matter; plan: year and number)."""

    kind = serializers.ChoiceField(choices=[])
    draw = serializers.IntegerField(required=False, min_value=1, help_text="抽取 ID")
    task = serializers.IntegerField(required=False, min_value=1, help_text="任务 ID")
    drawn_object = serializers.IntegerField(required=False, min_value=1, help_text="抽中对象 ID")
    matter = serializers.IntegerField(required=False, min_value=1, help_text="抽查事项 ID")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    number = serializers.IntegerField(required=False, min_value=1, help_text="计划版本号")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, serializers.ChoiceField)
        kind_field.choices = [(kind.name, kind.label) for kind in all_kinds()]

    def validate(self, attrs):
        kind = get_kind(attrs["kind"])
        missing = {
            name: _("该类文书需要此参数。")
            for name in kind.params
            if name not in kind.optional_params and attrs.get(name) is None
        }
        if missing:
            raise serializers.ValidationError(missing)
        extra = {
            name: _("该类文书不接受此参数。")
            for name in PARAM_FIELDS
            if name not in kind.params and attrs.get(name) is not None
        }
        if extra:
            raise serializers.ValidationError(extra)
        return attrs


class DocumentRequestApi(APIView):
    permission_classes = [AllowAny]

    InputSerializer = DocumentRequestInputSerializer

    @extend_schema(
        operation_id="documents_request",
        request=InputSerializer,
        responses={
            200: OpenApiResponse(DocumentOutputSerializer, description="已生成，可下载"),
            202: OpenApiResponse(DocumentOutputSerializer, description="正在生成（轮询状态）"),
            404: OpenApiResponse(description="对象不存在或无权打印"),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = get_kind(serializer.validated_data["kind"])
        params = kind.clean_params(serializer.validated_data)
        subject = kind.authorize(request.user, params)
        document = document_request(
            kind=kind, params=params, subject=subject, requested_by=request.user
        )
        return Response(
            DocumentOutputSerializer(document).data,
            status=status.HTTP_200_OK if document.is_ready else status.HTTP_202_ACCEPTED,
        )


class DocumentDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="documents_detail",
        responses={
            200: DocumentOutputSerializer,
            404: OpenApiResponse(description="不存在或无权查看"),
        },
    )
    def get(self, request, document_id: str):
        document, _subject = access_document_for_user(request.user, document_id)
        return Response(DocumentOutputSerializer(document).data)


class DocumentFileApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="documents_file",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            404: OpenApiResponse(description="不存在、无权查看或尚未生成"),
        },
    )
    def get(self, request, document_id: str) -> HttpResponseBase:
        document, subject = access_document_for_user(request.user, document_id)
        if not document.is_ready:
            raise Http404
        return file_response(document, get_kind(document.kind).filename(subject))


urlpatterns = [
    path("", DocumentRequestApi.as_view(), name="document_request"),
    path("<str:document_id>/", DocumentDetailApi.as_view(), name="document_detail"),
    path("<str:document_id>/file/", DocumentFileApi.as_view(), name="document_file"),
]
