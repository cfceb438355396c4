"""Ask for a printable document, follow its rendering, fetch the PDF. Access is the access of the
page each document belongs to (its kind's function), so these views admit anyone and let the kind
decide: a published plan for everyone, a task's forms for its departments and inspectors."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from printing.api.serializers import DocumentOutputSerializer, DocumentRequestInputSerializer
from printing.kinds import get_kind
from printing.services import document_request
from printing.views import access_document_for_user, file_response


class DocumentRequestApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=DocumentRequestInputSerializer,
        responses={
            200: OpenApiResponse(DocumentOutputSerializer, description="已生成，可下载"),
            202: OpenApiResponse(DocumentOutputSerializer, description="正在生成（轮询状态）"),
            404: OpenApiResponse(description="对象不存在或无权打印"),
        },
    )
    def post(self, request):
        serializer = DocumentRequestInputSerializer(data=request.data)
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

    @extend_schema(responses={200: DocumentOutputSerializer, 404: OpenApiResponse()})
    def get(self, request, document_id: int):
        document, _subject = access_document_for_user(request.user, document_id)
        return Response(DocumentOutputSerializer(document).data)


class DocumentFileApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            404: OpenApiResponse(description="不存在、无权查看或尚未生成"),
        }
    )
    def get(self, request, document_id: int) -> HttpResponse:
        from django.http import Http404

        document, subject = access_document_for_user(request.user, document_id)
        if not document.is_ready:
            raise Http404
        return file_response(document, get_kind(document.kind).filename(subject))
