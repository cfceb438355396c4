"""The matter list API. Thin: parse, fetch through access_*, call one service, serialise."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import services
from catalog.api.serializers import (
    CheckPointsInputSerializer,
    MatterCreateInputSerializer,
    MatterDetailOutputSerializer,
    MatterImportOutputSerializer,
    MatterImportPreviewInputSerializer,
    MatterOutputSerializer,
    MatterUpdateInputSerializer,
    ProposalAcceptInputSerializer,
    ProposalOutputSerializer,
    ProposalRejectInputSerializer,
    ProposalSubmitInputSerializer,
    PublicMatterOutputSerializer,
    RetireInputSerializer,
    RevisionOutputSerializer,
)
from catalog.exports import matter_export_response
from catalog.filters import MatterFilter, ProposalFilter, PublicMatterFilter
from catalog.models import Matter, MatterChangeProposal, MatterImport, MatterRevision
from catalog.permissions import (
    CanPropose,
    IsOfficeAdmin,
    access_import_for_user,
    access_matter_for_user,
    access_proposal_for_user,
)
from catalog.selectors import (
    import_list,
    matter_detail,
    matter_list,
    proposal_list_visible_to,
    public_matter_list,
    revision_list,
)
from platform_site.api import ActionApi, ExportApi, call_service


class MatterListApi(ListAPIView):
    serializer_class = MatterOutputSerializer
    filterset_class = MatterFilter
    queryset = Matter.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return matter_list(user=self.request.user)


class MatterExportApi(ExportApi):
    """The filtered matter list as CSV (UTF-8 with BOM) or XLSX; takes the list's filters."""

    filterset_class = MatterFilter
    queryset = Matter.objects.none()

    def rows(self, request):
        return matter_list(user=request.user)

    def export(self, rows, export_format: str):
        return matter_export_response(rows, export_format)


class MatterDetailApi(APIView):
    @extend_schema(responses=MatterDetailOutputSerializer)
    def get(self, request, matter_id: int):
        access_matter_for_user(request.user, matter_id)
        return Response(MatterDetailOutputSerializer(matter_detail(matter_id)).data)


class MatterCreateApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    service = staticmethod(services.matter_create)
    actor_kwarg = "created_by"
    input_serializer = MatterCreateInputSerializer
    output_serializer = MatterDetailOutputSerializer
    success_status = status.HTTP_201_CREATED

    def get_targets(self, request):
        return {}

    def service_kwargs(self, data):
        code, reason = data.pop("code"), data.pop("reason")
        return {"code": code, "data": data, "reason": reason}

    def respond(self, request, result, targets):
        detail = MatterDetailOutputSerializer(matter_detail(result.pk)).data
        return Response(detail, status=self.success_status)


# An edit of a matter by the office, answered with the matter as it is now.
class _MatterEditApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    output_serializer = MatterDetailOutputSerializer

    def get_targets(self, request, matter_id: int):
        return {"matter": access_matter_for_user(request.user, matter_id, edit=True)}

    def respond(self, request, result, targets):
        matter = matter_detail(targets["matter"].pk)
        return Response(MatterDetailOutputSerializer(matter).data)


class MatterUpdateApi(_MatterEditApi):
    service = staticmethod(services.matter_update)
    actor_kwarg = "updated_by"
    input_serializer = MatterUpdateInputSerializer

    def service_kwargs(self, data):
        reason = data.pop("reason")
        return {"data": data, "reason": reason}


class MatterRetireApi(_MatterEditApi):
    service = services.matter_retire
    actor_kwarg = "retired_by"
    input_serializer = RetireInputSerializer


class MatterCheckPointsSetApi(_MatterEditApi):
    service = staticmethod(services.matter_set_check_points)
    actor_kwarg = "set_by"
    input_serializer = CheckPointsInputSerializer

    def service_kwargs(self, data):
        return {
            "check_points": [dict(point) for point in data["check_points"]],
            "reason": data["reason"],
        }


class MatterRevisionListApi(ListAPIView):
    serializer_class = RevisionOutputSerializer
    queryset = MatterRevision.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        matter = access_matter_for_user(self.request.user, self.kwargs["matter_id"])
        return revision_list(matter)


# --- proposals ----------------------------------------------------------------------------------


class ProposalListApi(ListAPIView):
    serializer_class = ProposalOutputSerializer
    filterset_class = ProposalFilter
    queryset = MatterChangeProposal.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return proposal_list_visible_to(self.request.user)


class ProposalDetailApi(APIView):
    @extend_schema(responses=ProposalOutputSerializer)
    def get(self, request, proposal_id: int):
        return Response(
            ProposalOutputSerializer(access_proposal_for_user(request.user, proposal_id)).data
        )


class ProposalSubmitApi(APIView):
    permission_classes = [CanPropose]

    @extend_schema(request=ProposalSubmitInputSerializer, responses={201: ProposalOutputSerializer})
    def post(self, request):
        data = ProposalSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        matter = None
        if values["matter"] is not None:
            try:
                matter = access_matter_for_user(request.user, values["matter"])
            except Exception as error:  # Http404
                raise NotFound from error
        proposal = call_service(
            services.proposal_submit,
            submitted_by=request.user,
            kind=values["kind"],
            matter=matter,
            payload=dict(values["payload"]),
            reason=values["reason"],
        )
        return Response(ProposalOutputSerializer(proposal).data, status=status.HTTP_201_CREATED)


class _ProposalDecisionApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    output_serializer = ProposalOutputSerializer

    def get_targets(self, request, proposal_id: int):
        return {"proposal": access_proposal_for_user(request.user, proposal_id, decide=True)}


class ProposalAcceptApi(_ProposalDecisionApi):
    service = services.proposal_accept
    actor_kwarg = "accepted_by"
    input_serializer = ProposalAcceptInputSerializer


class ProposalRejectApi(_ProposalDecisionApi):
    service = services.proposal_reject
    actor_kwarg = "rejected_by"
    input_serializer = ProposalRejectInputSerializer


# --- import -------------------------------------------------------------------------------------


class ImportListApi(ListAPIView):
    serializer_class = MatterImportOutputSerializer
    permission_classes = [IsOfficeAdmin]
    queryset = MatterImport.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return import_list()


class ImportDetailApi(APIView):
    permission_classes = [IsOfficeAdmin]

    @extend_schema(responses=MatterImportOutputSerializer)
    def get(self, request, import_id: int):
        return Response(
            MatterImportOutputSerializer(access_import_for_user(request.user, import_id)).data
        )


class ImportPreviewApi(APIView):
    """Upload a provincial list; returns the preview (diff). Nothing is written to the list."""

    throttle_scope = "upload"

    permission_classes = [IsOfficeAdmin]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": MatterImportPreviewInputSerializer},
        responses={201: MatterImportOutputSerializer},
    )
    def post(self, request):
        data = MatterImportPreviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = dict(data.validated_data)
        upload = options.pop("file")
        matter_import = call_service(
            services.matter_import_preview,
            uploaded_by=request.user,
            content=upload.read(),
            filename=upload.name,
            **options,
        )
        return Response(
            MatterImportOutputSerializer(matter_import).data, status=status.HTTP_201_CREATED
        )


class _ImportActionApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    output_serializer = MatterImportOutputSerializer

    def get_targets(self, request, import_id: int):
        return {"matter_import": access_import_for_user(request.user, import_id)}


class ImportApplyApi(_ImportActionApi):
    service = services.matter_import_apply
    actor_kwarg = "applied_by"


class ImportDiscardApi(_ImportActionApi):
    service = services.matter_import_discard
    actor_kwarg = "discarded_by"


# --- public -------------------------------------------------------------------------------------


class PublicMatterListApi(ListAPIView):
    """The list in force today, for citizens: no account needed."""

    serializer_class = PublicMatterOutputSerializer
    filterset_class = PublicMatterFilter
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = Matter.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return public_matter_list().prefetch_related("check_points")


class PublicMatterDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicMatterOutputSerializer)
    def get(self, request, matter_id: int):
        matter = get_object_or_404(public_matter_list(), pk=matter_id)
        return Response(PublicMatterOutputSerializer(matter_detail(matter.pk)).data)
