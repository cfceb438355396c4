"""Approved versions of a plan, for signed-in users and (published) for citizens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from plans.api.serializers import (
    PlanVersionDetailOutputSerializer,
    PlanVersionOutputSerializer,
)
from plans.models import (
    PlanVersion,
)
from plans.permissions import (
    access_plan_year_for_user,
    access_public_version,
    access_version_for_user,
)
from plans.selectors import (
    public_plan_years,
    public_version_history,
    version_list_visible_to,
)


class PlanVersionListApi(ListAPIView):
    serializer_class = PlanVersionOutputSerializer
    queryset = PlanVersion.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        plan_year = access_plan_year_for_user(self.request.user, self.kwargs["year"])
        return version_list_visible_to(self.request.user, plan_year).select_related("plan_year")


class PlanVersionDetailApi(APIView):
    @extend_schema(responses=PlanVersionDetailOutputSerializer)
    def get(self, request, year: int, number: int):
        plan_year = access_plan_year_for_user(request.user, year)
        version = access_version_for_user(request.user, plan_year, number)
        return Response(PlanVersionDetailOutputSerializer(version).data)


class PublicPlanListApi(ListAPIView):
    """Published plans: no account needed."""

    serializer_class = PlanVersionOutputSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    queryset = PlanVersion.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            PlanVersion.objects.filter(pk__in=public_plan_years().values("current_version"))
            .select_related("plan_year", "approved_by")
            .order_by("-plan_year__year")
        )


class PublicPlanDetailApi(APIView):
    """The current published version of a year with its change history."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class PublicPlanDetailOutputSerializer(serializers.Serializer):
        current = PlanVersionDetailOutputSerializer()
        history = PlanVersionOutputSerializer(many=True)

    @extend_schema(responses=PublicPlanDetailOutputSerializer)
    def get(self, request, year: int):
        version = access_public_version(year)
        history = public_version_history(version.plan_year).select_related(
            "plan_year", "approved_by"
        )
        return Response(
            {
                "current": PlanVersionDetailOutputSerializer(version).data,
                "history": PlanVersionOutputSerializer(history, many=True).data,
            }
        )
