"""Mounted at /api/v1/deadlines/ with the namespace "deadlines_api"."""

from django.urls import path

from publication.deadlines.api import views

urlpatterns = [
    path("", views.DeadlineListApi.as_view(), name="deadline_list"),
    path("<int:deadline_id>/", views.DeadlineDetailApi.as_view(), name="deadline_detail"),
    path("rules/", views.DeadlineRuleListApi.as_view(), name="rule_list"),
    path("rules/<str:kind>/", views.DeadlineRuleUpdateApi.as_view(), name="rule_update"),
]
