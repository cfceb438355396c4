"""What the office's status page shows, gathered once for the page and its API (`StatusApi`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import chain_head
from accounts.liaisons import departments_without_liaison
from accounts.nightly import nightly_checks
from accounts.permissions import IsOfficeAdmin
from platform_site.health import platform_checks
from publication.calendar import calendar_coverage
from tasks.api.serializers import StuckDrawSerializer
from tasks.selectors import draws_stuck_in_drawing, stuck_draw_minutes


def status_panels() -> dict[str, Any]:
    return {
        "checks": platform_checks() + nightly_checks(),
        "head": chain_head(),
        "coverage": calendar_coverage(),
        "stuck_draws": list(draws_stuck_in_drawing()),
        "stuck_minutes": stuck_draw_minutes(),
        "without_liaison": departments_without_liaison(),
    }


class StatusOutputSerializer(serializers.Serializer):
    class StatusCheckSerializer(serializers.Serializer):
        name = serializers.CharField()
        ok = serializers.BooleanField()
        detail = serializers.CharField()

    class StatusHeadSerializer(serializers.Serializer):
        seq = serializers.IntegerField()
        hash = serializers.CharField()
        occurred_at = serializers.DateTimeField()

    class StatusCoverageSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        status = serializers.CharField()
        has_official_data = serializers.BooleanField()
        holiday_count = serializers.IntegerField()
        makeup_workday_count = serializers.IntegerField()
        confirmed_at = serializers.DateTimeField(allow_null=True)

    class StatusDepartmentSerializer(serializers.Serializer):
        code = serializers.CharField(source="department.code")
        name = serializers.CharField(source="department.name")

    checks = StatusCheckSerializer(many=True)
    head = StatusHeadSerializer(allow_null=True)
    coverage = StatusCoverageSerializer(many=True)
    stuck_draws = StuckDrawSerializer(many=True)
    stuck_minutes = serializers.IntegerField()
    without_liaison = StatusDepartmentSerializer(many=True)


class StatusApi(APIView):
    """The office's status page as data: the platform's parts (database, Redis, worker, beat) and
    the nightly checks, the audit chain's head, the working calendar's coverage, draws stuck in
    "drawing", and departments without a designated liaison."""

    permission_classes = [IsOfficeAdmin]

    @extend_schema(responses=StatusOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(StatusOutputSerializer(status_panels()).data)
