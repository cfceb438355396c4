"""API of the inspector registry. Thin: parse, fetch through an access function, call one service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, User
from accounts.roles import is_admin, require
from platform_site.api import ActionApi, call_service
from registries.drawable import ineligibility_reasons
from registries.inspectors import exports, importing, selectors
from registries.inspectors.api.serializers import (
    CertificateInputSerializer,
    DecisionInputSerializer,
    EligibilityOutputSerializer,
    EligibilityQuerySerializer,
    ExpertCreateInputSerializer,
    ExpertExportQuerySerializer,
    ExpertFilterSerializer,
    ExpertOutputSerializer,
    ExpertUpdateInputSerializer,
    ImportInputSerializer,
    ImportReportSerializer,
    InspectorCreateInputSerializer,
    InspectorExportQuerySerializer,
    InspectorFilterSerializer,
    InspectorOutputSerializer,
    InspectorUpdateInputSerializer,
    RecusalDeclareInputSerializer,
    RecusalFilterSerializer,
    RecusalOutputSerializer,
    RecusalRuleInputSerializer,
    RecusalRuleOutputSerializer,
)
from registries.inspectors.services import inspectors as services
from registries.inspectors.services import recusals as recusal_services
from registries.models import Expert, InspectionObject, Inspector, Recusal, RecusalRule
from registries.permissions import (
    IsRegistryOffice,
    IsRegistryUser,
    access_inspector_for_user,
    can_edit_registry,
)


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _account(username: str | None, *, field: str = "user") -> User | None:
    if not username:
        return None
    account = User.objects.filter(username=username).first()
    if account is None:
        raise ValidationError({field: ["账户不存在。"]})
    return account


# --- inspectors --------------------------------------------------------------------------------


class InspectorListApi(ListAPIView):
    """Inspectors visible to the user (own department; the office sees all), filtered."""

    serializer_class = InspectorOutputSerializer
    permission_classes = [IsRegistryUser]
    queryset = Inspector.objects.none()
    filter_backends: list = []

    @extend_schema(parameters=[InspectorFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        data = _query(InspectorFilterSerializer, self.request)
        return selectors.inspector_list_visible_to(
            self.request.user, selectors.InspectorFilters(**data)
        )


class InspectorExportApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(
        parameters=[InspectorExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
        },
    )
    def get(self, request):
        data = dict(_query(InspectorExportQuerySerializer, request))
        file_format = data.pop("file_format")
        inspectors = selectors.inspector_list_visible_to(
            request.user, selectors.InspectorFilters(**data)
        )
        return exports.export_response(
            importing.KIND_INSPECTORS, inspectors.iterator(chunk_size=2000), file_format
        )


class InspectorCreateApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(
        request=InspectorCreateInputSerializer, responses={201: InspectorOutputSerializer}
    )
    def post(self, request):
        if not can_edit_registry(request.user):
            raise PermissionDenied("您无权登记执法检查人员。")
        data = InspectorCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = (values.pop("department", "") or "").upper()
        if code:
            department = Department.objects.filter(code=code).first()
            if department is None:
                raise ValidationError({"department": ["部门代码不存在。"]})
        else:
            department = request.user.department
        values["user"] = _account(values.get("user"))
        inspector = call_service(
            services.inspector_create, created_by=request.user, department=department, **values
        )
        return Response(InspectorOutputSerializer(inspector).data, status=status.HTTP_201_CREATED)


class InspectorDetailApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(responses=InspectorOutputSerializer)
    def get(self, request, inspector_id: int):
        inspector = access_inspector_for_user(request.user, inspector_id)
        return Response(InspectorOutputSerializer(inspector).data)


# An action on an inspector the user may change, answered with the inspector.
class _InspectorActionApi(ActionApi):
    permission_classes = [IsRegistryUser]
    output_serializer = InspectorOutputSerializer

    def get_targets(self, request, inspector_id: int):
        return {"inspector": access_inspector_for_user(request.user, inspector_id, for_change=True)}


class InspectorUpdateApi(_InspectorActionApi):
    service = staticmethod(services.inspector_update)
    actor_kwarg = "updated_by"
    input_serializer = InspectorUpdateInputSerializer

    def service_kwargs(self, data):
        if "user" in data:
            return {**data, "user": _account(data["user"])}
        return data


class InspectorCertificateApi(_InspectorActionApi):
    service = staticmethod(services.inspector_set_certificate)
    actor_kwarg = "changed_by"
    input_serializer = CertificateInputSerializer


class InspectorEligibilityApi(APIView):
    """Whether the inspector can be drawn for a date range, and if not, why (in Chinese)."""

    permission_classes = [IsRegistryUser]

    @extend_schema(parameters=[EligibilityQuerySerializer], responses=EligibilityOutputSerializer)
    def get(self, request, inspector_id: int):
        inspector = access_inspector_for_user(request.user, inspector_id)
        data = _query(EligibilityQuerySerializer, request)
        reasons = ineligibility_reasons(inspector, data["start"], data["end"])
        body = {"code": inspector.code, **data, "drawable": not reasons, "reasons": reasons}
        return Response(EligibilityOutputSerializer(body).data)


class RegistryImportApi(APIView):
    """Validate an import file, and with apply=true import it when it has no error (all or nothing)."""

    throttle_scope = "upload"

    permission_classes = [IsRegistryUser]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportInputSerializer, responses={200: ImportReportSerializer})
    def post(self, request):
        if not can_edit_registry(request.user):
            raise PermissionDenied("您无权导入执法检查人员。")
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        try:
            report = importing.import_file(
                user=request.user,
                kind=data.validated_data["registry"],
                content=upload.read(importing.MAX_BYTES + 1),
                filename=upload.name,
                apply=data.validated_data["apply"],
            )
        except importing.ImportFileError as error:
            raise ValidationError({"file": [str(error)]}) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        return Response(ImportReportSerializer(report.as_dict()).data)


# --- experts -----------------------------------------------------------------------------------


class ExpertListApi(ListAPIView):
    serializer_class = ExpertOutputSerializer
    permission_classes = [IsRegistryUser]
    queryset = Expert.objects.none()
    filter_backends: list = []

    @extend_schema(parameters=[ExpertFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.expert_list_visible_to(
            self.request.user, **_query(ExpertFilterSerializer, self.request)
        )


class ExpertExportApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(
        parameters=[ExpertExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiTypes.BINARY
            ),
        },
    )
    def get(self, request):
        data = dict(_query(ExpertExportQuerySerializer, request))
        file_format = data.pop("file_format")
        experts = selectors.expert_list_visible_to(request.user, **data)
        return exports.export_response(
            importing.KIND_EXPERTS, experts.iterator(chunk_size=2000), file_format
        )


class ExpertCreateApi(APIView):
    permission_classes = [IsRegistryOffice]

    @extend_schema(request=ExpertCreateInputSerializer, responses={201: ExpertOutputSerializer})
    def post(self, request):
        data = ExpertCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        expert = call_service(
            services.expert_create, created_by=request.user, **data.validated_data
        )
        return Response(ExpertOutputSerializer(expert).data, status=status.HTTP_201_CREATED)


class ExpertDetailApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(responses=ExpertOutputSerializer)
    def get(self, request, expert_id: int):
        return Response(
            ExpertOutputSerializer(selectors.access_expert_for_user(request.user, expert_id)).data
        )


class ExpertUpdateApi(ActionApi):
    permission_classes = [IsRegistryOffice]
    service = staticmethod(services.expert_update)
    actor_kwarg = "updated_by"
    input_serializer = ExpertUpdateInputSerializer
    output_serializer = ExpertOutputSerializer

    def get_targets(self, request, expert_id: int):
        return {
            "expert": selectors.access_expert_for_user(request.user, expert_id, for_change=True)
        }


# --- recusals ----------------------------------------------------------------------------------


class RecusalListApi(ListAPIView):
    serializer_class = RecusalOutputSerializer
    permission_classes = [IsRegistryUser]
    queryset = Recusal.objects.none()
    filter_backends: list = []

    @extend_schema(parameters=[RecusalFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        data = dict(_query(RecusalFilterSerializer, self.request))
        data["inspector_id"] = data.pop("inspector", None)
        return selectors.recusal_list_visible_to(self.request.user, **data)


class RecusalQueueApi(ListAPIView):
    """Pending declarations the user decides (department admin: own department; office: all)."""

    serializer_class = RecusalOutputSerializer
    permission_classes = [IsRegistryUser]
    queryset = Recusal.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        user = self.request.user
        require(is_admin, user, _("只有部门系统管理员可以确认回避申报。"))
        return selectors.recusal_queue_for(user)


class RecusalDeclareApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(request=RecusalDeclareInputSerializer, responses={201: RecusalOutputSerializer})
    def post(self, request):
        data = RecusalDeclareInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person: dict = {}
        if values.get("expert") is not None:
            if not request.user.is_office_admin:
                raise Http404
            person["expert"] = get_object_or_404(Expert, pk=values["expert"])
        else:
            person["inspector"] = (
                selectors.declarable_inspectors_for(request.user)
                .filter(pk=values["inspector"])
                .first()
            )
            if person["inspector"] is None:
                raise Http404
        inspection_object = InspectionObject.objects.filter(
            code=values["object_code"].strip().upper()
        ).first()
        if inspection_object is None:
            raise ValidationError({"object_code": ["检查对象不存在。"]})
        recusal = call_service(
            recusal_services.recusal_declare,
            **person,
            inspection_object=inspection_object,
            reason=values["reason"],
            note=values["note"],
            declared_by=request.user,
        )
        return Response(RecusalOutputSerializer(recusal).data, status=status.HTTP_201_CREATED)


class RecusalDetailApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(responses=RecusalOutputSerializer)
    def get(self, request, recusal_id: int):
        return Response(
            RecusalOutputSerializer(
                selectors.access_recusal_for_user(request.user, recusal_id)
            ).data
        )


# The decision on a pending declaration, by whoever decides it (the service checks who may).
class _RecusalDecisionApi(ActionApi):
    permission_classes = [IsRegistryUser]
    actor_kwarg = "decided_by"
    input_serializer = DecisionInputSerializer
    output_serializer = RecusalOutputSerializer

    def get_targets(self, request, recusal_id: int):
        return {"recusal": selectors.access_recusal_for_user(request.user, recusal_id)}


class RecusalConfirmApi(_RecusalDecisionApi):
    service = staticmethod(recusal_services.recusal_confirm)


class RecusalRejectApi(_RecusalDecisionApi):
    service = staticmethod(recusal_services.recusal_reject)


class RecusalRuleListApi(APIView):
    permission_classes = [IsRegistryUser]

    @extend_schema(responses=RecusalRuleOutputSerializer(many=True))
    def get(self, request):
        return Response(RecusalRuleOutputSerializer(selectors.recusal_rules(), many=True).data)


class RecusalRuleSetApi(APIView):
    permission_classes = [IsRegistryOffice]

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=RecusalRule.Kind.values)
        ],
        request=RecusalRuleInputSerializer,
        responses=RecusalRuleOutputSerializer,
    )
    def post(self, request, kind: str):
        if kind not in RecusalRule.Kind.values:
            raise Http404
        data = RecusalRuleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            recusal_services.recusal_rule_set, kind=kind, set_by=request.user, **data.validated_data
        )
        rule = next(rule for rule in selectors.recusal_rules() if rule["kind"] == kind)
        return Response(RecusalRuleOutputSerializer(rule).data)
