"""The tasks API: thin views over the same services and access functions as the pages."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView, get_object_or_404
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import is_office_admin, refuse_page_unless
from platform_site.api import ActionApi, ExportApi, call_service
from tasks.api import serializers as s
from tasks.exports import task_export_response
from tasks.models import Draw, DrawReview, Task, TaskPolicy, VerificationRequest
from tasks.permissions import (
    CanCreateTask,
    access_draw_for_user,
    access_review_for_user,
    access_task_for_user,
    can_download_full_bundle,
    can_manage_task,
)
from tasks.selectors import (
    combine_proposals,
    draw_result_is_public,
    draws_stuck_in_drawing,
    task_list,
    workload_flags,
)
from tasks.services import draws as draw_services
from tasks.services import tasks as task_services
from tasks.services.bundles import announcement_document, bundle_json, draw_bundle
from tasks.services.policy import task_policy_update
from tasks.services.replacements import replacement_announce
from tasks.verification import (
    VerificationBusy,
    verification_request_create,
    verify_needs_job,
    verify_now,
)


class TaskListApi(ListAPIView):
    serializer_class = s.TaskOutputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Task.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return _task_list_from(self.request).prefetch_related(
            "participating_departments", "matters"
        )


class TaskCreateApi(APIView):
    permission_classes = [CanCreateTask]

    @extend_schema(
        request=s.TaskCreateInputSerializer, responses={201: s.TaskDetailOutputSerializer}
    )
    def post(self, request):
        data = s.TaskCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan_item_id = values.pop("plan_item")
        if plan_item_id is not None:
            from plans.models import PlanItem

            values["plan_item"] = get_object_or_404(PlanItem, pk=plan_item_id)
            for key in ("scope", "strata"):
                values.setdefault(key, None)
        values["matters"] = values.get("matters", [])
        values["participating_departments"] = values.get("participating_departments")
        task = call_service(task_services.task_create, created_by=request.user, **values)
        return Response(s.TaskDetailOutputSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.TaskDetailOutputSerializer)
    def get(self, request, task_id: int):
        task = access_task_for_user(request.user, task_id)
        return Response(s.TaskDetailOutputSerializer(task).data)


class TaskCombineApi(APIView):
    """Objects this task's standing draw shares with another task's on overlapping dates: visits
    that can be combined (进一次门、查多项事), as the task page's panel lists them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.CombineProposalOutputSerializer(many=True))
    def get(self, request, task_id: int):
        task = access_task_for_user(request.user, task_id)
        return Response(s.CombineProposalOutputSerializer(combine_proposals(task), many=True).data)


class TaskWorkloadApi(APIView):
    """Members of this task's groups over their cap, or due in another task on overlapping dates,
    as the task page's workload panel lists them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.WorkloadFlagOutputSerializer(many=True))
    def get(self, request, task_id: int):
        task = access_task_for_user(request.user, task_id)
        return Response(s.WorkloadFlagOutputSerializer(workload_flags(task), many=True).data)


class TaskUpdateApi(ActionApi):
    """Change a task not under review yet, as its edit page does; a change of an approved task's
    terms sends it back to the office (status "awaiting approval")."""

    service = task_services.task_update
    actor_kwarg = "updated_by"
    input_serializer = s.TaskUpdateInputSerializer
    output_serializer = s.TaskDetailOutputSerializer

    def get_targets(self, request, task_id: int):
        return {"task": access_task_for_user(request.user, task_id, manage=True)}


_TASK_FILTERS = [
    OpenApiParameter("q", str, description="Code or title contains"),
    OpenApiParameter("status", str),
    OpenApiParameter("department", str, description="A department's code (lead or participant)"),
    OpenApiParameter("year", int),
]


def _task_list_from(request):
    params = request.query_params
    year = params.get("year")
    return task_list(
        request.user,
        status=params.get("status", ""),
        q=params.get("q", ""),
        department=params.get("department", ""),
        year=int(year) if year and year.isdigit() else None,
    )


class TaskExportApi(ExportApi):
    """The filtered task list as CSV (UTF-8 with BOM) or XLSX, as the list page exports it."""

    permission_classes = [IsAuthenticated]
    queryset = Task.objects.none()
    export_parameters = _TASK_FILTERS

    def rows(self, request):
        return _task_list_from(request).prefetch_related("participating_departments")

    def export(self, rows, export_format: str):
        return task_export_response(rows, export_format)


class _TaskActionApi(ActionApi):
    manage = True
    output_serializer: type[serializers.BaseSerializer] = s.TaskOutputSerializer

    def get_targets(self, request, task_id: int):
        return {"task": access_task_for_user(request.user, task_id, manage=self.manage)}


class TaskSubmitApi(_TaskActionApi):
    service = task_services.task_submit_for_approval
    actor_kwarg = "submitted_by"


class TaskApproveApi(_TaskActionApi):
    manage = False
    service = task_services.task_approve
    actor_kwarg = "approved_by"
    input_serializer = s.DrawDecisionInputSerializer

    def get_targets(self, request, task_id: int):
        refuse_page_unless(is_office_admin, request.user)
        return super().get_targets(request, task_id)


class TaskPushApi(_TaskActionApi):
    service = draw_services.task_push_to_review
    actor_kwarg = "pushed_by"
    input_serializer = s.TaskPushInputSerializer
    output_serializer = s.DrawOutputSerializer


class TaskWitnessGrantApi(_TaskActionApi):
    """The office designates (or, with revoke, no longer designates) who may be named as the
    task's second witness besides the lead department's witness accounts."""

    manage = False
    service = task_services.task_witness_grant
    actor_kwarg = "granted_by"
    input_serializer = s.TaskWitnessGrantInputSerializer

    def get_targets(self, request, task_id: int):
        refuse_page_unless(is_office_admin, request.user)
        return super().get_targets(request, task_id)


class TaskStartApi(_TaskActionApi):
    service = task_services.task_start
    actor_kwarg = "started_by"


class TaskDrawListApi(ListAPIView):
    serializer_class = s.DrawOutputSerializer
    permission_classes = [IsAuthenticated]
    queryset = Draw.objects.none()
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        task = access_task_for_user(self.request.user, self.kwargs["task_id"])
        return (
            task.draws.order_by("number")
            .select_related("task")
            .prefetch_related("reviews__department")
        )


def _review(request, review_id: int) -> DrawReview:
    return access_review_for_user(request.user, review_id)


class _ReviewActionApi(ActionApi):
    output_serializer = s.DrawReviewOutputSerializer

    def get_targets(self, request, review_id: int):
        return {"review": _review(request, review_id)}


class ReviewConfirmApi(_ReviewActionApi):
    service = draw_services.review_confirm
    actor_kwarg = "confirmed_by"
    input_serializer = s.DrawWitnessInputSerializer


class ReviewReturnApi(_ReviewActionApi):
    service = draw_services.review_return
    actor_kwarg = "returned_by"
    input_serializer = s.DrawReasonInputSerializer


class DrawDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.DrawOutputSerializer)
    def get(self, request, draw_id: int):
        draw = access_draw_for_user(request.user, draw_id)
        return Response(s.DrawOutputSerializer(draw, context={"user": request.user}).data)


class _DrawActionApi(ActionApi):
    output_serializer = s.DrawOutputSerializer
    # The lead department's actions: refused before the input is read (the service checks again).
    lead_department_only = True

    def get_targets(self, request, draw_id: int):
        draw = access_draw_for_user(request.user, draw_id)
        if self.lead_department_only and not can_manage_task(request.user, draw.task):
            raise PermissionDenied(_("只有牵头部门可以执行此操作。"))
        return {"draw": draw}


class DrawRevealApi(_DrawActionApi):
    service = draw_services.draw_reveal
    actor_kwarg = "revealed_by"


class DrawWithdrawApi(_DrawActionApi):
    service = draw_services.draw_withdraw
    actor_kwarg = "withdrawn_by"
    input_serializer = s.DrawReasonInputSerializer


class DrawWithdrawRequestApi(_DrawActionApi):
    """After the first witness entry, the lead department asks the office to withdraw."""

    service = draw_services.draw_withdraw_request
    actor_kwarg = "requested_by"
    input_serializer = s.DrawReasonInputSerializer


class DrawWithdrawDecideApi(_DrawActionApi):
    service = draw_services.draw_withdraw_decide
    actor_kwarg = "decided_by"
    input_serializer = s.DrawDecisionInputSerializer
    lead_department_only = False

    def get_targets(self, request, draw_id: int):
        refuse_page_unless(is_office_admin, request.user)
        return super().get_targets(request, draw_id)


class DrawVoidRequestApi(_DrawActionApi):
    service = draw_services.draw_void_request
    actor_kwarg = "requested_by"
    input_serializer = s.DrawReasonInputSerializer


class DrawVoidDecideApi(_DrawActionApi):
    service = draw_services.draw_void_decide
    actor_kwarg = "decided_by"
    input_serializer = s.DrawDecisionInputSerializer
    lead_department_only = False

    def get_targets(self, request, draw_id: int):
        refuse_page_unless(is_office_admin, request.user)
        return super().get_targets(request, draw_id)


class DrawReplacementApi(_DrawActionApi):
    service = replacement_announce
    actor_kwarg = "announced_by"
    input_serializer = s.DrawReplacementInputSerializer


def _json(payload) -> HttpResponse:
    return HttpResponse(
        bundle_json(payload).encode("utf-8"), content_type="application/json; charset=utf-8"
    )


def _bundle(draw: Draw, *, public: bool) -> HttpResponse:
    if not draw.has_bundle:
        raise Http404
    return _json(draw_bundle(draw, public=public))


class DrawBundleApi(APIView):
    """The full bundle for office admins and auditors; the public bundle for everyone else (and
    for anyone asking `?form=public`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("form", str, enum=["full", "public"], required=False)],
        responses={200: OpenApiResponse(description="ssj-draw/1 bundle (§8)")},
    )
    def get(self, request, draw_id: int):
        draw = access_draw_for_user(request.user, draw_id)
        public = request.query_params.get("form") == "public" or not can_download_full_bundle(
            request.user
        )
        return _bundle(draw, public=public)


class StuckDrawListApi(ListAPIView):
    """Draws still "drawing" after DRAW_STUCK_AFTER_MINUTES (office admins)."""

    serializer_class = s.StuckDrawSerializer
    permission_classes = [IsAuthenticated]
    queryset = Draw.objects.none()
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        refuse_page_unless(is_office_admin, self.request.user)
        return draws_stuck_in_drawing()


class TaskPolicyApi(APIView):
    """The office's task rules: read, and change with an audit event (office admins)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.TaskPolicySerializer)
    def get(self, request):
        refuse_page_unless(is_office_admin, request.user)
        return Response(s.TaskPolicySerializer(TaskPolicy.current()).data)

    @extend_schema(request=s.TaskPolicySerializer, responses=s.TaskPolicySerializer)
    def patch(self, request):
        refuse_page_unless(is_office_admin, request.user)
        data = s.TaskPolicySerializer(TaskPolicy.current(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        policy = call_service(task_policy_update, updated_by=request.user, **data.validated_data)
        return Response(s.TaskPolicySerializer(policy).data)


class PublicTaskApi(APIView):
    """The public announcement(s) of a task and, after the draw, its results. No login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=s.PublicDrawSerializer(many=True))
    def get(self, request, code: str):
        task = Task.objects.filter(code=code).first()
        if task is None or not task.draws.exists():
            raise Http404
        rows = []
        for draw in task.draws.order_by("number"):
            row = dict(s.PublicDrawSerializer(draw).data)
            if draw.result and not draw_result_is_public(draw):
                # Drawn but its list not yet published: only the announcement is public.
                row.update(result=None, seed="", revealed_secret="", witnesses=[])
            rows.append(row)
        return Response(rows)


class PublicBundleApi(APIView):
    """The public bundle (§8.3): conflict rows of drawn objects only. No login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: OpenApiResponse(description="ssj-draw/1 public bundle (§8.3)")})
    def get(self, request, code: str, number: int):
        draw = get_object_or_404(Draw, task__code=code, number=number)
        if not draw_result_is_public(draw):
            raise Http404
        return _bundle(draw, public=True)


class PublicAnnouncementApi(APIView):
    """The announcement as published before the draw (to archive). No login."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        responses={200: OpenApiResponse(description="the announce entry and what it states")}
    )
    def get(self, request, code: str, number: int):
        return _json(announcement_document(get_object_or_404(Draw, task__code=code, number=number)))


class VerifyApi(APIView):
    """Verify a bundle: VALID, or the list of problems in Chinese. No login.

    At most VERIFY_MAX_ATTEMPTS stage-2 attempts are re-computed; a bundle larger than
    VERIFY_INLINE_MAX_BYTES is queued (202) and its result read from the URL returned."""

    throttle_scope = "verify"
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=s.DrawVerifyInputSerializer,
        responses={200: s.DrawVerifyOutputSerializer, 202: s.DrawVerifyQueuedSerializer},
    )
    def post(self, request):
        data = request.data
        bundle = data.get("bundle", data) if isinstance(data, dict) else data
        text = bundle if isinstance(bundle, str) else json.dumps(bundle, ensure_ascii=False)
        announcement = data.get("announcement") if isinstance(data, dict) else None
        head = data.get("head", "") if isinstance(data, dict) else ""
        anchors = {
            "announcement_text": ""
            if announcement in (None, "")
            else announcement
            if isinstance(announcement, str)
            else json.dumps(announcement, ensure_ascii=False),
            "head": head.strip() if isinstance(head, str) else "",
        }
        if verify_needs_job(text):
            try:
                verification = verification_request_create(text=text, **anchors)
            except VerificationBusy as error:
                return Response({"detail": str(error)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response(
                {
                    "status": verification.status,
                    "token": verification.token,
                    "url": reverse("tasks_api:verify_result", args=[verification.token]),
                },
                status=status.HTTP_202_ACCEPTED,
            )
        return Response(verify_now(text, **anchors))


class VerifyResultApi(APIView):
    """The result of a queued verification. No login: the token is the secret."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=s.DrawVerifyResultSerializer)
    def get(self, request, token):
        verification = get_object_or_404(VerificationRequest.objects.defer("bundle"), token=token)
        return Response({"status": verification.status, "report": verification.report})
