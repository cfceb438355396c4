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


class InspectionScheduleApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.InspectionScheduleInputSerializer, responses=s.InspectionSerializer)
    def post(self, request, inspection_id: int):
        inspection = access_inspection_for_user(request.user, inspection_id)
        data = _input(s.InspectionScheduleInputSerializer, request)
        inspection = call_service(
            inspection_services.inspection_schedule,
            inspection=inspection,
            scheduled_by=request.user,
            **data,
        )
        return Response(s.InspectionSerializer(inspection).data)


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


class RecordUpdateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.RecordUpdateInputSerializer, responses=s.RecordSerializer)
    def post(self, request, record_id: int):
        record = access_record_for_user(request.user, record_id, enter=True)
        data = _input(s.RecordUpdateInputSerializer, request)
        record = call_service(
            record_services.record_update, record=record, entered_by=request.user, **data
        )
        return _record_response(record)


class RecordCompleteApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.RecordSerializer)
    def post(self, request, record_id: int):
        record = access_record_for_user(request.user, record_id, enter=True)
        record = call_service(
            record_services.record_complete, record=record, completed_by=request.user
        )
        return _record_response(record)


class CommissionedCheckCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.CommissionedCheckInputSerializer, responses={201: s.CommissionedCheckSerializer}
    )
    def post(self, request, record_id: int):
        record = access_record_for_user(request.user, record_id, enter=True)
        data = _input(s.CommissionedCheckInputSerializer, request)
        check = call_service(
            record_services.commissioned_check_add, record=record, added_by=request.user, **data
        )
        return Response(s.CommissionedCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class CommissionedCheckConcludeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=s.CommissionedCheckConcludeInputSerializer, responses=s.CommissionedCheckSerializer
    )
    def post(self, request, check_id: int):
        check = CommissionedCheck.objects.filter(pk=check_id).first()
        if check is None:
            raise Http404
        access_record_for_user(request.user, check.record_id, enter=True)
        data = _input(s.CommissionedCheckConcludeInputSerializer, request)
        check = call_service(
            record_services.commissioned_check_conclude,
            check=check,
            concluded_by=request.user,
            **data,
        )
        return Response(s.CommissionedCheckSerializer(check).data)


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


class AttachmentWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.InspectionReasonInputSerializer, responses=s.AttachmentSerializer)
    def post(self, request, attachment_id: int):
        attachment = access_attachment_for_user(request.user, attachment_id)
        data = _input(s.InspectionReasonInputSerializer, request)
        attachment = call_service(
            attachment_services.attachment_withdraw,
            attachment=attachment,
            withdrawn_by=request.user,
            **data,
        )
        return Response(s.AttachmentSerializer(attachment).data)


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


class ResultCompileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ResultCompileInputSerializer, responses=s.ResultSerializer)
    def post(self, request, result_id: int):
        result = access_result_for_user(request.user, result_id)
        data = _input(s.ResultCompileInputSerializer, request)
        result = call_service(
            result_services.result_compile, result=result, compiled_by=request.user, **data
        )
        return _result_response(result)


class _ResultActionApi(ActionApi):
    """A result's action: the result the user may act on, the service, the result as it is now."""

    output_serializer = s.ResultSerializer

    def get_targets(self, request, result_id: int):
        return {"result": access_result_for_user(request.user, result_id)}

    def respond(self, request, result, targets):
        return _result_response(result)


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


class MeasureCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.MeasureCreateInputSerializer, responses={201: s.MeasureSerializer})
    def post(self, request, result_id: int):
        result = access_result_for_user(request.user, result_id)
        data = _input(s.MeasureCreateInputSerializer, request)
        measure = call_service(
            followup_services.measure_add, result=result, added_by=request.user, **data
        )
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class MeasureDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeasureSerializer)
    def get(self, request, measure_id: int):
        return Response(s.MeasureSerializer(access_measure_for_user(request.user, measure_id)).data)


class _MeasureActionApi(ActionApi):
    """A follow-up measure's action, answered with the measure as it is now."""

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


class CombinedVisitAcceptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=s.CombinedVisitSerializer)
    def post(self, request, visit_id: int):
        visit = access_combined_visit_for_user(request.user, visit_id)
        visit = call_service(
            combined_services.combined_visit_accept, visit=visit, accepted_by=request.user
        )
        return _visit_response(visit)


class CombinedVisitDeclineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.InspectionReasonInputSerializer, responses=s.CombinedVisitSerializer)
    def post(self, request, visit_id: int):
        visit = access_combined_visit_for_user(request.user, visit_id)
        data = _input(s.InspectionReasonInputSerializer, request)
        visit = call_service(
            combined_services.combined_visit_decline,
            visit=visit,
            declined_by=request.user,
            **data,
        )
        return _visit_response(visit)


class CombinedVisitCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.InspectionReasonInputSerializer, responses=s.CombinedVisitSerializer)
    def post(self, request, visit_id: int):
        visit = access_combined_visit_for_user(request.user, visit_id)
        data = _input(s.InspectionReasonInputSerializer, request)
        visit = call_service(
            combined_services.combined_visit_cancel,
            visit=visit,
            cancelled_by=request.user,
            **data,
        )
        return _visit_response(visit)
