"""Filters shared by the matter pages, the exports and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from catalog.choices import MatterCategory, MatterStatus, ProposalKind, ProposalStatus
from catalog.models import Matter, MatterChangeProposal


class YesNoWidget(django_filters.widgets.BooleanWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class MatterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("关键词"), method="filter_keyword")
    department = django_filters.ModelChoiceFilter(
        label=_("部门"),
        queryset=Department.objects.filter(kind="department").order_by("code"),
        to_field_name="code",
        method="filter_department",
        empty_label=_("全部"),
    )
    category = django_filters.ChoiceFilter(
        label=_("事项类别"), choices=MatterCategory.choices, empty_label=_("全部")
    )
    is_common = django_filters.BooleanFilter(label=_("通用事项"), widget=YesNoWidget)
    is_joint = django_filters.BooleanFilter(label=_("联合抽查事项"), widget=YesNoWidget)
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=MatterStatus.choices, empty_label=_("全部")
    )
    year = django_filters.NumberFilter(label=_("清单年度"), field_name="list_year")

    class Meta:
        model = Matter
        fields = ["q", "department", "category", "is_common", "is_joint", "status", "year"]

    def filter_keyword(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(field__icontains=value)
            | Q(object_type__icontains=value)
            | Q(legal_basis__icontains=value)
        )

    def filter_department(self, queryset, name, value: str):
        if value is None:
            return queryset
        return queryset.filter(
            Q(implementing_departments=value) | Q(participating_departments=value)
        ).distinct()


class PublicMatterFilter(MatterFilter):
    class Meta:
        model = Matter
        fields = ["q", "department", "category", "is_common", "is_joint"]

    status = None
    year = None


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ProposalStatus.choices, empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(
        label=_("建议类型"), choices=ProposalKind.choices, empty_label=_("全部")
    )

    class Meta:
        model = MatterChangeProposal
        fields = ["status", "kind"]
