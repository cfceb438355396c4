"""FilterSets shared by the HTML item list and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import DepartmentKind
from accounts.models import Department
from catalog.filters import YesNoWidget
from catalog.models import Matter
from catalog.selectors import NATURAL_CODE
from plans.choices import MergeStatus, PlanItemStatus
from plans.models import PlanItem


class PlanItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_q")
    department = django_filters.ModelChoiceFilter(
        label=_("牵头部门"),
        queryset=Department.objects.filter(kind=DepartmentKind.DEPARTMENT).order_by("code"),
        empty_label=_("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=PlanItemStatus.choices, empty_label=_("全部")
    )
    matter = django_filters.ModelChoiceFilter(
        label=_("抽查事项"),
        queryset=Matter.objects.order_by(NATURAL_CODE),
        field_name="matters",
        empty_label=_("全部"),
    )
    joint = django_filters.BooleanFilter(
        label=_("联合抽查"), method="filter_joint", widget=YesNoWidget
    )

    class Meta:
        model = PlanItem
        fields = ["q", "department", "status", "matter", "joint"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(notes__icontains=value))

    def filter_joint(self, queryset, name, value):
        joint = Q(participating_departments__isnull=False) | Q(
            merge_proposal__status=MergeStatus.ACCEPTED
        )
        return (queryset.filter(joint) if value else queryset.exclude(joint)).distinct()
