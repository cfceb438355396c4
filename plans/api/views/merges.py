"""Merge proposals: the office proposes, edits, accepts or rejects merging items into one task."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from plans import services
from plans.api.serializers import (
    MergeProposalOutputSerializer,
)
from plans.api.views._common import CommentInputSerializer
from plans.models import (
    MergeProposal,
    PlanItem,
)
from plans.permissions import (
    IsPlanManager,
    access_merge_proposal_for_user,
    access_plan_year_for_user,
)
from plans.selectors import (
    merge_proposal_list,
)
from platform_site.api import ActionApi, call_service


class MergeProposalListApi(ListAPIView):
    serializer_class = MergeProposalOutputSerializer
    permission_classes = [IsPlanManager]
    queryset = MergeProposal.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return merge_proposal_list(
            access_plan_year_for_user(self.request.user, self.kwargs["year"])
        )


class PlanProposeMergesApi(APIView):
    permission_classes = [IsPlanManager]

    @extend_schema(request=None, responses=MergeProposalOutputSerializer(many=True))
    def post(self, request, year: int):
        plan_year = access_plan_year_for_user(request.user, year)
        proposals = call_service(
            services.plan_propose_merges, plan_year=plan_year, proposed_by=request.user
        )
        return Response(MergeProposalOutputSerializer(proposals, many=True).data)


class MergeProposalUpdateApi(APIView):
    permission_classes = [IsPlanManager]

    class MergeProposalUpdateInputSerializer(serializers.Serializer):
        lead_department = serializers.SlugRelatedField[Department](
            slug_field="code", queryset=Department.objects.all()
        )
        window_start_month = serializers.IntegerField(min_value=1, max_value=12)
        window_end_month = serializers.IntegerField(min_value=1, max_value=12)
        items = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), many=True)

    @extend_schema(
        request=MergeProposalUpdateInputSerializer, responses=MergeProposalOutputSerializer
    )
    def post(self, request, proposal_id: int):
        proposal = access_merge_proposal_for_user(request.user, proposal_id)
        data = self.MergeProposalUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = call_service(
            services.merge_proposal_update,
            proposal=proposal,
            updated_by=request.user,
            **data.validated_data,
        )
        return Response(MergeProposalOutputSerializer(proposal).data)


class _MergeProposalActionApi(ActionApi):
    permission_classes = [IsPlanManager]
    output_serializer = MergeProposalOutputSerializer

    def get_targets(self, request, proposal_id: int):
        return {"proposal": access_merge_proposal_for_user(request.user, proposal_id)}


class MergeProposalAcceptApi(_MergeProposalActionApi):
    service = services.merge_proposal_accept
    actor_kwarg = "accepted_by"
    input_serializer = CommentInputSerializer


class MergeProposalRejectApi(_MergeProposalActionApi):
    service = services.merge_proposal_reject
    actor_kwarg = "rejected_by"
    input_serializer = CommentInputSerializer
