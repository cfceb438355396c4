"""The inspection API: thin views named <Entity><Action>Api over the same access functions and
services as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from platform_site.api import ActionApi, call_service
from tasks.inspections import selectors
from tasks.inspections.api import serializers as s
from tasks.inspections.models import (
    CombinedVisit,
    CommissionedCheck,
    FollowUpMeasure,
    Inspection,
    InspectionResult,
    ResultVersion,
)
from tasks.inspections.permissions import (
    access_attachment_for_user,
    access_combined_visit_for_user,
    access_inspection_for_user,
    access_measure_for_user,
    access_record_for_user,
    access_result_for_user,
    can_view_result_content,
    does_the_work,
)
from tasks.inspections.services import attachments as attachment_services
from tasks.inspections.services import combined as combined_services
from tasks.inspections.services import followups as followup_services
from tasks.inspections.services import inspections as inspection_services
from tasks.inspections.services import records as record_services
from tasks.inspections.services import results as result_services
from tasks.inspections.views import access_inspection_for_user_or_peer, attachment_response


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- inspections and groups ----------------------------------------------------------------------


class InspectionListApi(ListAPIView):
    """Inspections of the tasks the user takes part in (the office: all), with result states."""

    serializer_class = s.InspectionSerializer
    permission_classes = [IsAuthenticated]
    queryset = Inspection.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("task", int, description="task id"),
            OpenApiParameter("status", str, description="result status"),
            OpenApiParameter("overdue", bool, description="not entered within the deadline"),
            OpenApiParameter("q", str, description="object name or code"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        params = self.request.query_params
        task = params.get("task", "")
        return selectors.inspection_list(
            self.request.user,
            task=int(task) if task.isdigit() else None,
            status=params.get("status", ""),
            overdue=params.get("overdue", "").lower() in ("1", "true", "on"),
            q=params.get("q", ""),
        ).select_related("drawn_object")


class InspectionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.InspectionDetailSerializer)
    def get(self, request, inspection_id: int):
        inspection = access_inspection_for_user(request.user, inspection_id)
        context = {
            "records": selectors.inspection_records(inspection),
            "show_result": can_view_result_content(request.user, inspection),
        }
        return Response(s.InspectionDetailSerializer(inspection, context=context).data)


class InspectionScheduleApi(ActionApi):
    service = staticmethod(inspection_services.inspection_schedule)
    actor_kwarg = "scheduled_by"
    input_serializer = s.InspectionScheduleInputSerializer
    output_serializer = s.InspectionSerializer

    def get_targets(self, request, inspection_id: int):
        return {"inspection": access_inspection_for_user(request.user, inspection_id)}


class GroupListApi(APIView):
    """The groups the user's inspector record belongs to."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.GroupSerializer(many=True))
    def get(self, request):
        groups = selectors.groups_for_user(request.user, include_completed=True)
        return Response(s.GroupSerializer(groups, many=True).data)


# --- records -------------------------------------------------------------------------------------


def _record_response(record, *, code=status.HTTP_200_OK):
    record = (
        type(record)
        .objects.select_related("department", "matter")
        .prefetch_related("answers", "attachments", "commissioned_checks")
        .get(pk=record.pk)
    )
    return Response(s.RecordSerializer(record).data, status=code)


class RecordDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.RecordSerializer)
    def get(self, request, record_id: int):
        return _record_response(access_record_for_user(request.user, record_id))


# An action on a record by whoever may enter it.
class _RecordEntryApi(ActionApi):
    def get_targets(self, request, record_id: int):
        return {"record": access_record_for_user(request.user, record_id, enter=True)}


# An action on a record, answered with the record as it is now.
class _RecordActionApi(_RecordEntryApi):
    output_serializer = s.RecordSerializer

    def respond(self, request, result, targets):
        return _record_response(result)


class RecordUpdateApi(_RecordActionApi):
    service = staticmethod(record_services.record_update)
    actor_kwarg = "entered_by"
    input_serializer = s.RecordUpdateInputSerializer


class RecordCompleteApi(_RecordActionApi):
    service = staticmethod(record_services.record_complete)
    actor_kwarg = "completed_by"


class CommissionedCheckCreateApi(_RecordEntryApi):
    service = staticmethod(record_services.commissioned_check_add)
    actor_kwarg = "added_by"
    input_serializer = s.CommissionedCheckInputSerializer
    output_serializer = s.CommissionedCheckSerializer
    success_status = status.HTTP_201_CREATED


class CommissionedCheckConcludeApi(ActionApi):
    service = staticmethod(record_services.commissioned_check_conclude)
    actor_kwarg = "concluded_by"
    input_serializer = s.CommissionedCheckConcludeInputSerializer
    output_serializer = s.CommissionedCheckSerializer

    def get_targets(self, request, check_id: int):
        check = CommissionedCheck.objects.filter(pk=check_id).first()
        if check is None:
            raise Http404
        access_record_for_user(request.user, check.record_id, enter=True)
        return {"check": check}


# --- attachments ---------------------------------------------------------------------------------


class AttachmentUploadApi(APIView):
    """Upload a photo, scan or report to a record (multipart); the content is checked."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadInputSerializer},
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request, record_id: int):
        record = access_record_for_user(request.user, record_id, enter=True)
        data = _input(s.AttachmentUploadInputSerializer, request)
        check = None
        if data.get("commissioned_check"):
            check = CommissionedCheck.objects.filter(
                pk=data["commissioned_check"], record=record
            ).first()
            if check is None:
                raise Http404
        upload = data["file"]
        attachment = call_service(
            attachment_services.attachment_add_to_record,
            record=record,
            uploaded_by=request.user,
            upload=upload,
            name=upload.name,
            kind=data["kind"],
            caption=data.get("caption", ""),
            commissioned_check=check,
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class MeasureAttachmentUploadApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadInputSerializer},
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request, measure_id: int):
        measure = access_measure_for_user(request.user, measure_id)
        data = _input(s.AttachmentUploadInputSerializer, request)
        upload = data["file"]
        attachment = call_service(
            attachment_services.attachment_add_to_measure,
            measure=measure,
            uploaded_by=request.user,
            upload=upload,
            name=upload.name,
            kind=data["kind"],
            caption=data.get("caption", ""),
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadApi(APIView):
    """The attachment's bytes, after the access check (never a /media/ URL)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)}
    )
    def get(self, request, attachment_id: int):
        return attachment_response(
            access_attachment_for_user(request.user, attachment_id), inline=False
        )


class AttachmentWithdrawApi(ActionApi):
    service = staticmethod(attachment_services.attachment_withdraw)
    actor_kwarg = "withdrawn_by"
    input_serializer = s.InspectionReasonInputSerializer
    output_serializer = s.AttachmentSerializer

    def get_targets(self, request, attachment_id: int):
        return {"attachment": access_attachment_for_user(request.user, attachment_id)}


# --- results -------------------------------------------------------------------------------------


def _result_response(result: InspectionResult):
    result = (
        InspectionResult.objects.select_related("published_version")
        .prefetch_related(
            "pending_departments",
            "measures__department",
            "measures__notified_department",
            "measures__result__inspection__inspection_object",
        )
        .get(pk=result.pk)
    )
    return Response(s.ResultSerializer(result).data)


class ResultDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.ResultSerializer)
    def get(self, request, result_id: int):
        return _result_response(access_result_for_user(request.user, result_id))


# A result's action: the result the user may act on, the service, the result as it is now.
class _ResultActionApi(ActionApi):
    output_serializer = s.ResultSerializer

    def get_targets(self, request, result_id: int):
        return {"result": access_result_for_user(request.user, result_id)}

    def respond(self, request, result, targets):
        return _result_response(result)


class ResultCompileApi(_ResultActionApi):
    service = staticmethod(result_services.result_compile)
    actor_kwarg = "compiled_by"
    input_serializer = s.ResultCompileInputSerializer


class ResultSubmitApi(_ResultActionApi):
    service = staticmethod(result_services.result_submit)
    actor_kwarg = "submitted_by"


class ResultApproveApi(_ResultActionApi):
    service = staticmethod(result_services.result_approve)
    actor_kwarg = "approved_by"


class ResultReturnApi(_ResultActionApi):
    service = staticmethod(result_services.result_return)
    actor_kwarg = "returned_by"
    input_serializer = s.InspectionReasonInputSerializer


class ResultPublishApi(_ResultActionApi):
    service = staticmethod(result_services.result_publish)
    actor_kwarg = "published_by"


class ResultCorrectApi(_ResultActionApi):
    service = staticmethod(result_services.result_correct)
    actor_kwarg = "corrected_by"
    input_serializer = s.InspectionReasonInputSerializer


class ResultVersionListApi(ListAPIView):
    """The archived versions of a result (each approval), newest first, with their content."""

    serializer_class = s.ResultVersionDetailSerializer
    permission_classes = [IsAuthenticated]
    queryset = ResultVersion.objects.none()
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        result = access_result_for_user(self.request.user, self.kwargs["result_id"])
        return result.versions.select_related("approved_by").order_by("-number")


# --- follow-up measures --------------------------------------------------------------------------


class MeasureListApi(ListAPIView):
    serializer_class = s.MeasureSerializer
    permission_classes = [IsAuthenticated]
    queryset = FollowUpMeasure.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "notified", "lead"]),
            OpenApiParameter("state", str, enum=["open", "overdue", "all"]),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not does_the_work(self.request.user):
            return self.queryset
        params = self.request.query_params
        state = params.get("state", "open")
        return selectors.measure_list(
            self.request.user,
            selectors.MeasureFilters(
                scope=params.get("scope", "mine"),
                open_only=state != "all",
                overdue=state == "overdue",
            ),
        )


class MeasureCreateApi(ActionApi):
    service = staticmethod(followup_services.measure_add)
    actor_kwarg = "added_by"
    input_serializer = s.MeasureCreateInputSerializer
    output_serializer = s.MeasureSerializer
    success_status = status.HTTP_201_CREATED

    def get_targets(self, request, result_id: int):
        return {"result": access_result_for_user(request.user, result_id)}


class MeasureDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeasureSerializer)
    def get(self, request, measure_id: int):
        return Response(s.MeasureSerializer(access_measure_for_user(request.user, measure_id)).data)


# A follow-up measure's action, answered with the measure as it is now.
class _MeasureActionApi(ActionApi):
    output_serializer = s.MeasureSerializer

    def get_targets(self, request, measure_id: int):
        return {"measure": access_measure_for_user(request.user, measure_id)}


class MeasureAcknowledgeApi(_MeasureActionApi):
    service = staticmethod(followup_services.measure_acknowledge)
    actor_kwarg = "acknowledged_by"
    input_serializer = s.MeasureAcknowledgeInputSerializer


class MeasureRecheckApi(_MeasureActionApi):
    service = staticmethod(followup_services.measure_recheck)
    actor_kwarg = "rechecked_by"
    input_serializer = s.MeasureRecheckInputSerializer


class MeasureCloseApi(_MeasureActionApi):
    service = staticmethod(followup_services.measure_close)
    actor_kwarg = "closed_by"
    input_serializer = s.MeasureCloseInputSerializer


# --- combined visits -----------------------------------------------------------------------------


def _visit_response(visit: CombinedVisit, code=status.HTTP_200_OK):
    visit = CombinedVisit.objects.prefetch_related(
        "parts__inspection__task", "parts__department"
    ).get(pk=visit.pk)
    return Response(s.CombinedVisitSerializer(visit).data, status=code)


class CombinedVisitListApi(ListAPIView):
    """Combined-visit proposals waiting for the user's answer."""

    serializer_class = s.CombinedVisitSerializer
    permission_classes = [IsAuthenticated]
    queryset = CombinedVisit.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.pending_combined_visits(self.request.user).prefetch_related(
            "parts__inspection__task", "parts__department"
        )


class CombinedVisitProposeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.CombinedVisitProposeInputSerializer, responses={201: s.CombinedVisitSerializer}
    )
    def post(self, request, inspection_id: int):
        inspection = access_inspection_for_user(request.user, inspection_id)
        data = _input(s.CombinedVisitProposeInputSerializer, request)
        other = access_inspection_for_user_or_peer(request.user, data.pop("other"), inspection)
        visit = call_service(
            combined_services.combined_visit_propose,
            inspection=inspection,
            other=other,
            proposed_by=request.user,
            **data,
        )
        return _visit_response(visit, status.HTTP_201_CREATED)


# An answer to a combined-visit proposal, answered with the visit as it is now.
class _CombinedVisitActionApi(ActionApi):
    output_serializer = s.CombinedVisitSerializer

    def get_targets(self, request, visit_id: int):
        return {"visit": access_combined_visit_for_user(request.user, visit_id)}

    def respond(self, request, result, targets):
        return _visit_response(result)


class CombinedVisitAcceptApi(_CombinedVisitActionApi):
    service = staticmethod(combined_services.combined_visit_accept)
    actor_kwarg = "accepted_by"


class CombinedVisitDeclineApi(_CombinedVisitActionApi):
    service = staticmethod(combined_services.combined_visit_decline)
    actor_kwarg = "declined_by"
    input_serializer = s.InspectionReasonInputSerializer


class CombinedVisitCancelApi(_CombinedVisitActionApi):
    service = staticmethod(combined_services.combined_visit_cancel)
    actor_kwarg = "cancelled_by"
    input_serializer = s.InspectionReasonInputSerializer
