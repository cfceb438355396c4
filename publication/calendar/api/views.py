"""The working-calendar API. Reads for every signed-in user (deadline arithmetic); writes for
joint-meeting office admins only."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsOfficeAdmin
from platform_site.api import ActionApi
from platform_site.api import call_service as call_shared_service
from publication import calendar
from publication.calendar.api.serializers import (
    AddInputSerializer,
    AddOutputSerializer,
    BetweenInputSerializer,
    BetweenOutputSerializer,
    CalendarDayOutputSerializer,
    CalendarYearOutputSerializer,
    DayClearInputSerializer,
    DayListOutputSerializer,
    DaySetInputSerializer,
    ImportPreviewOutputSerializer,
    YearCoverageOutputSerializer,
    YearImportInputSerializer,
    YearQueryInputSerializer,
    YearStatusInputSerializer,
)


def call_service(function, **kwargs):
    """Run a calendar function; an out-of-range date or year is a 400 with its translated message."""
    return call_shared_service(function, bad_input=(calendar.CalendarRangeError,), **kwargs)


class CalendarYearListApi(APIView):
    @extend_schema(responses=YearCoverageOutputSerializer(many=True))
    def get(self, request):
        return Response(YearCoverageOutputSerializer(calendar.calendar_year_list(), many=True).data)


class CalendarDayListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True)], responses=DayListOutputSerializer
    )
    def get(self, request):
        query = YearQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        body = {"year": calendar.year_status(year), "days": calendar.calendar_days_for_year(year)}
        return Response(DayListOutputSerializer(body).data)


class CalendarAddApi(APIView):
    """The date n working days after start (start not counted), with the years computed
    weekends-only for lack of official data."""

    @extend_schema(parameters=[AddInputSerializer], responses=AddOutputSerializer)
    def get(self, request):
        query = AddInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, n = query.validated_data["start"], query.validated_data["n"]
        result = call_service(lambda: calendar.add_working_days_explained(start, n))
        body = {
            "start": start,
            "n": n,
            "date": result.date,
            "fallback_years": result.fallback_years,
        }
        return Response(AddOutputSerializer(body).data)


class CalendarBetweenApi(APIView):
    """Working days after a up to and including b (0 when b <= a)."""

    @extend_schema(parameters=[BetweenInputSerializer], responses=BetweenOutputSerializer)
    def get(self, request):
        query = BetweenInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        a, b = query.validated_data["a"], query.validated_data["b"]
        result = call_service(lambda: calendar.working_days_between_explained(a, b))
        body = {"a": a, "b": b, "count": result.count, "fallback_years": result.fallback_years}
        return Response(BetweenOutputSerializer(body).data)


# A change of the working calendar by the office; a date or year out of range is a 400.
class _CalendarChangeApi(ActionApi):
    permission_classes = [IsOfficeAdmin]
    bad_input = (calendar.CalendarRangeError,)


class CalendarDaySetApi(_CalendarChangeApi):
    service = staticmethod(calendar.calendar_day_set)
    actor_kwarg = "set_by"
    input_serializer = DaySetInputSerializer
    output_serializer = CalendarDayOutputSerializer

    def get_targets(self, request):
        return {}

    def service_kwargs(self, data):
        return {"day": data["date"], "kind": data["kind"], "name": data["name"]}


class CalendarDayClearApi(APIView):
    permission_classes = [IsOfficeAdmin]

    @extend_schema(request=DayClearInputSerializer, responses={204: None})
    def post(self, request):
        data = DayClearInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            calendar.calendar_day_clear, day=data.validated_data["date"], cleared_by=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarYearImportApi(APIView):
    """Import a year's official schedule. With dry_run the changes are only previewed; pass the
    preview's digest as expected_digest to refuse applying if the year changed in between."""

    permission_classes = [IsOfficeAdmin]

    @extend_schema(
        request=YearImportInputSerializer,
        responses={200: CalendarYearOutputSerializer, 202: ImportPreviewOutputSerializer},
    )
    def post(self, request, year: int):
        data = YearImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["dry_run"]:
            preview = call_service(
                calendar.calendar_year_import_preview, year=year, text_or_rows=values["text"]
            )
            return Response(
                ImportPreviewOutputSerializer(preview).data, status=status.HTTP_202_ACCEPTED
            )
        year_row = call_service(
            calendar.calendar_year_import,
            year=year,
            text_or_rows=values["text"],
            imported_by=request.user,
            expected_digest=values["expected_digest"] or None,
            note=values["note"],
        )
        return Response(CalendarYearOutputSerializer(year_row).data)


# A year's status set by the office, with a note.
class _CalendarYearStatusApi(_CalendarChangeApi):
    input_serializer = YearStatusInputSerializer
    output_serializer = CalendarYearOutputSerializer

    def get_targets(self, request, year: int):
        return {"year": year}


class CalendarYearMarkOfficialApi(_CalendarYearStatusApi):
    service = staticmethod(calendar.calendar_year_mark_official)
    actor_kwarg = "confirmed_by"


class CalendarYearMarkFallbackApi(_CalendarYearStatusApi):
    service = staticmethod(calendar.calendar_year_mark_fallback)
    actor_kwarg = "marked_by"
