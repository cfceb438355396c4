"""Peak production seasons that plan schedules avoid (000 art. 11)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import services
from plans.api.serializers import (
    PeakSeasonOutputSerializer,
)
from plans.exports import peak_season_export_response
from plans.models import (
    PeakSeason,
)
from plans.permissions import (
    IsPlanManager,
    access_peak_season_for_user,
)
from plans.selectors import (
    peak_season_list,
)
from platform_site.api import ActionApi, ExportApi, call_service


class PeakSeasonInputSerializer(serializers.Serializer):
    industry_prefix = serializers.CharField(max_length=10)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PeakSeasonListApi(ListAPIView):
    serializer_class = PeakSeasonOutputSerializer
    queryset = PeakSeason.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return peak_season_list()


class PeakSeasonExportApi(ExportApi):
    """The peak seasons as CSV (UTF-8 with BOM), as the page exports them."""

    queryset = PeakSeason.objects.none()
    export_formats = ("csv",)

    def rows(self, request):
        return peak_season_list()

    def export(self, rows, export_format: str):
        return peak_season_export_response(rows)


class PeakSeasonUpdateInputSerializer(PeakSeasonInputSerializer):
    is_active = serializers.BooleanField(default=True)


class PeakSeasonCreateApi(ActionApi):
    permission_classes = [IsPlanManager]
    service = staticmethod(services.peak_season_create)
    actor_kwarg = "created_by"
    input_serializer = PeakSeasonInputSerializer
    output_serializer = PeakSeasonOutputSerializer
    success_status = status.HTTP_201_CREATED

    def get_targets(self, request):
        return {}


class PeakSeasonUpdateApi(ActionApi):
    permission_classes = [IsPlanManager]
    service = staticmethod(services.peak_season_update)
    actor_kwarg = "updated_by"
    input_serializer = PeakSeasonUpdateInputSerializer
    output_serializer = PeakSeasonOutputSerializer

    def get_targets(self, request, season_id: int):
        return {"season": access_peak_season_for_user(request.user, season_id)}


class PeakSeasonDeleteApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, season_id: int):
        season = access_peak_season_for_user(request.user, season_id)
        call_service(services.peak_season_delete, season=season, deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
