from django.contrib.auth import update_session_auth_hash
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    AccountCreateInputSerializer,
    AccountOutputSerializer,
    AuditEventOutputSerializer,
    DepartmentCreateInputSerializer,
    DepartmentOutputSerializer,
    FreezeInputSerializer,
    IssuedAccountSerializer,
    PasswordChangeInputSerializer,
)
from accounts.audit import chain_head
from accounts.checkpoints import (
    SIGNED_BYTES_DESCRIPTION,
    latest_checkpoint,
    public_key_text,
    signing_key,
)
from accounts.exports import audit_event_export_response
from accounts.models import AuditEvent, Department, User
from accounts.permissions import (
    IsAccountManager,
    IsOfficeAdmin,
    access_account_for_user,
    access_department_for_user,
)
from accounts.selectors import (
    account_list_for_department,
    audit_event_list,
    department_list_visible_to,
)
from platform_site.api import ActionApi, ExportApi, call_service


class MeApi(APIView):
    @extend_schema(responses=AccountOutputSerializer)
    def get(self, request):
        return Response(AccountOutputSerializer(request.user).data)


class PasswordChangeApi(APIView):
    """The one call an account holding a one-time password may make (as the password page is the
    one page it may open)."""

    allowed_with_temporary_password = True

    @extend_schema(request=PasswordChangeInputSerializer, responses={204: None})
    def post(self, request):
        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.check_password(data.validated_data["old_password"]):
            raise serializers.ValidationError({"old_password": [_("原密码不正确。")]})
        account = call_service(
            services.account_change_password,
            account=request.user,
            new_password=data.validated_data["new_password"],
        )
        if request.session is not None:
            update_session_auth_hash(request, account)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DepartmentListApi(ListAPIView):
    serializer_class = DepartmentOutputSerializer
    queryset = Department.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return department_list_visible_to(self.request.user)


class DepartmentCreateApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    service = staticmethod(services.department_create)
    actor_kwarg = "created_by"
    input_serializer = DepartmentCreateInputSerializer
    output_serializer = DepartmentOutputSerializer
    success_status = status.HTTP_201_CREATED

    def get_targets(self, request):
        return {}


class DepartmentAccountListApi(ListAPIView):
    serializer_class = AccountOutputSerializer
    permission_classes = [IsAccountManager]
    queryset = User.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        department = access_department_for_user(
            self.request.user, self.kwargs["department_id"], manage=True
        )
        return account_list_for_department(department)


# An account issued with a temporary password (a new one, or a reissue), answered once and
# never cached.
@method_decorator(never_cache, name="dispatch")
class _AccountIssueApi(ActionApi):
    permission_classes = [IsAccountManager]
    output_serializer = IssuedAccountSerializer
    success_status = status.HTTP_201_CREATED

    def respond(self, request, result, targets):
        account, password = result
        issued = {"account": account, "temporary_password": password}
        return Response(IssuedAccountSerializer(issued).data, status=self.success_status)


class AccountCreateApi(_AccountIssueApi):
    service = staticmethod(services.account_create)
    actor_kwarg = "created_by"
    input_serializer = AccountCreateInputSerializer

    def get_targets(self, request, department_id: int):
        return {"department": access_department_for_user(request.user, department_id, manage=True)}


class AccountDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AccountOutputSerializer)
    def get(self, request, account_id: int):
        account = access_account_for_user(request.user, account_id)
        return Response(AccountOutputSerializer(account).data)


# An action of an account manager on an account below them, answered with the account.
class _AccountActionApi(ActionApi):
    permission_classes = [IsAccountManager]
    output_serializer = AccountOutputSerializer

    def get_targets(self, request, account_id: int):
        return {"account": access_account_for_user(request.user, account_id, manage=True)}


class AccountFreezeApi(_AccountActionApi):
    service = staticmethod(services.account_freeze)
    actor_kwarg = "frozen_by"
    input_serializer = FreezeInputSerializer


class AccountUnfreezeApi(_AccountActionApi):
    service = staticmethod(services.account_unfreeze)
    actor_kwarg = "unfrozen_by"


class AccountReissueApi(_AccountIssueApi):
    service = staticmethod(services.account_reissue)
    actor_kwarg = "reissued_by"

    def get_targets(self, request, account_id: int):
        return {"account": access_account_for_user(request.user, account_id, manage=True)}


class AuditEventListApi(ListAPIView):
    serializer_class = AuditEventOutputSerializer
    permission_classes = [IsOfficeAdmin]

    def get_queryset(self):
        params = self.request.query_params
        return audit_event_list(
            action=params.get("action", ""),
            actor=params.get("actor", ""),
            target=params.get("target", ""),
        )


class AuditEventExportApi(ExportApi):
    """The filtered audit trail as CSV (UTF-8 with BOM), as the audit page exports it."""

    permission_classes = [IsOfficeAdmin]
    queryset = AuditEvent.objects.none()
    export_formats = ("csv",)
    export_parameters = [
        OpenApiParameter("action", str),
        OpenApiParameter("actor", str),
        OpenApiParameter("target", str),
    ]

    def rows(self, request):
        params = request.query_params
        return audit_event_list(
            action=params.get("action", ""),
            actor=params.get("actor", ""),
            target=params.get("target", ""),
        )

    def export(self, rows, export_format: str):
        return audit_event_export_response(rows, export_format)


class AuditHeadApi(APIView):
    """The current head of the audit chain. Public, so that anyone can anchor a published draw."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "AuditHead", {"seq": serializers.IntegerField(), "hash": serializers.CharField()}
        )
    )
    def get(self, request):
        head = chain_head()
        return Response({"seq": head.seq if head else 0, "hash": head.hash if head else "0" * 64})


class AuditCheckpointApi(APIView):
    """The latest signed checkpoint of the audit chain and the public key that verifies it.
    Public: keep copies, and anyone can later prove the chain was not rewritten up to it."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer(
            "AuditCheckpoint",
            {
                "checkpoint": inline_serializer(
                    "SignedCheckpoint",
                    {
                        "v": serializers.IntegerField(),
                        "seq": serializers.IntegerField(),
                        "head": serializers.CharField(),
                        "at": serializers.CharField(),
                        "key": serializers.CharField(),
                        "sig": serializers.CharField(),
                    },
                    allow_null=True,
                ),
                "public_key": serializers.CharField(allow_null=True),
                "signed_bytes": serializers.CharField(),
            },
        )
    )
    def get(self, request):
        checkpoint = latest_checkpoint()
        key = signing_key()
        return Response(
            {
                "checkpoint": checkpoint.as_dict() if checkpoint else None,
                "public_key": public_key_text(key.public_key()) if key else None,
                "signed_bytes": SIGNED_BYTES_DESCRIPTION,
            }
        )
