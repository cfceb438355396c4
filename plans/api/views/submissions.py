"""A department's submission of its items, and the office returning it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView

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
from platform_site.api import ActionApi


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


class PlanDepartmentSubmitApi(ActionApi):
    service = staticmethod(services.plan_department_submit)
    actor_kwarg = "submitted_by"
    output_serializer = DepartmentSubmissionOutputSerializer

    def get_targets(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        if not can_submit_department(request.user):
            raise PermissionDenied
        return {"plan_year": plan_year, "department": request.user.department}


class PlanDepartmentReturnApi(ActionApi):
    permission_classes = [IsPlanManager]
    service = staticmethod(services.plan_department_return)
    actor_kwarg = "returned_by"
    input_serializer = ReasonInputSerializer
    output_serializer = DepartmentSubmissionOutputSerializer

    def get_targets(self, request, year: int, department_id: int):
        return {
            "plan_year": access_plan_year_for_user(request.user, year),
            "department": get_object_or_404(_members(), pk=department_id),
        }
