"""A department's submission of its items, and the office returning it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import DepartmentKind
from accounts.models import Department
from plans import services
from plans.api.serializers import (
    DepartmentSubmissionOutputSerializer,
)
from plans.api.views._common import ReasonInputSerializer
from plans.models import (
    DepartmentSubmission,
)
from plans.permissions import (
    IsPlanManager,
    access_plan_year_for_user,
    can_submit_department,
)
from plans.selectors import (
    submission_list_visible_to,
)
from platform_site.api import call_service


def _members():
    return Department.objects.filter(kind=DepartmentKind.DEPARTMENT, is_active=True)


class DepartmentSubmissionListApi(ListAPIView):
    serializer_class = DepartmentSubmissionOutputSerializer
    queryset = DepartmentSubmission.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        plan_year = access_plan_year_for_user(self.request.user, self.kwargs["year"])
        return submission_list_visible_to(self.request.user, plan_year)


class PlanDepartmentSubmitApi(APIView):
    @extend_schema(request=None, responses=DepartmentSubmissionOutputSerializer)
    def post(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        if not can_submit_department(request.user):
            raise PermissionDenied
        submission = call_service(
            services.plan_department_submit,
            plan_year=plan_year,
            department=request.user.department,
            submitted_by=request.user,
        )
        return Response(DepartmentSubmissionOutputSerializer(submission).data)


class PlanDepartmentReturnApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=ReasonInputSerializer, responses=DepartmentSubmissionOutputSerializer)
    def post(self, request, year: int, department_id: int):
        plan_year = access_plan_year_for_user(request.user, year)
        department = get_object_or_404(_members(), pk=department_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        submission = call_service(
            services.plan_department_return,
            plan_year=plan_year,
            department=department,
            returned_by=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(DepartmentSubmissionOutputSerializer(submission).data)
