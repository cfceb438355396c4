"""Filters of the inspection-object registry, shared by the list page, the API and the exports.

The name filter is a substring match (ILIKE '%…%') that PostgreSQL answers from the trigram GIN
index `object_name_trgm` for three characters or more; shorter terms fall back to a scan that
the planner stops early because results are paginated by the primary key.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayContains  # type: ignore[attr-defined]
from django.db import connection
from django.db.models import F, Func, Lookup, Q, QuerySet, TextField, Value
from django.db.models.functions import Collate, StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale, SpecialList
from registries.models import InspectionObject, ObjectSupervision
from registries.scopes import SPECIAL_LIST_WINDOW_DAYS

ANY_FLAG = "any"
FLAG_CHOICES = [(ANY_FLAG, _("任一特殊名单")), *SpecialList.choices]
USCC_LENGTH = 18


def flag_condition(flag: str) -> Q:
    """Objects on a special list today (any list for "any"), as scopes.special_list_condition."""
    today = timezone.localdate()
    window_start = today - timedelta(days=SPECIAL_LIST_WINDOW_DAYS)
    conditions: dict[str, Q] = {
        SpecialList.ANOMALY: Q(anomaly_since__lte=today),
        SpecialList.SERIOUS_VIOLATION: Q(serious_violation_since__lte=today),
        SpecialList.PENALISED: Q(penalised_at__gte=window_start, penalised_at__lte=today),
        SpecialList.GROUP_COMPLAINT: Q(
            group_complaint_at__gte=window_start, group_complaint_at__lte=today
        ),
    }
    if flag == ANY_FLAG:
        combined = Q()
        for condition in conditions.values():
            combined |= condition
        return combined
    return conditions[flag]


TRIGRAM = 3


class ILike(Lookup):
    """`lhs ILIKE rhs`, with the pattern given as is (the trigram index serves it)."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def name_characters() -> Collate:
    """The expression of the object_name_chars GIN index (migrations 0004 and 0006): the name's
    characters, in the "C" collation (the index's, which the planner requires to use it)."""
    return Collate(
        Func(
            F("name"), Value(None), function="string_to_array", output_field=ArrayField(TextField())
        ),
        "C",
    )


def name_condition(term: str, *, dense: bool = False) -> Q:
    """Substring match on the name, answerable from an index.

    Three characters or more: the trigram index serves LIKE/ILIKE '%term%'. Shorter terms have
    no trigram, so the character index narrows the rows to those holding every character of the
    term first. Without Latin letters case does not matter, and LIKE is cheaper than ILIKE.
    """
    term = term.strip()
    latin = any(char.isascii() and char.isalpha() for char in term)
    if dense:
        # strpos() is served by no index: for a term matching many rows, the planner then walks
        # the primary key and stops after a page instead of fetching every match to sort them.
        haystack = Upper("name") if latin else F("name")
        return Q(GreaterThan(StrIndex(haystack, Value(term.upper() if latin else term)), 0))
    if latin:
        # Django's icontains compiles to UPPER(name) LIKE …, which no index on name serves.
        pattern = "%" + connection.ops.prep_for_like_query(term) + "%"
        return Q(ILike(F("name"), Value(pattern)))
    condition = Q(name__contains=term)
    if len(term) < TRIGRAM:
        condition &= Q(
            ArrayContains(name_characters(), Value(sorted(set(term)), ArrayField(TextField())))
        )
    return condition


class ObjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("名称"), method="filter_name")
    code = django_filters.CharFilter(label=_("代码（完整或前几位）"), method="filter_code")
    region = django_filters.CharFilter(label=_("行政区划代码前缀"), method="filter_region")
    industry = django_filters.CharFilter(label=_("行业代码前缀"), method="filter_industry")
    kind = django_filters.ChoiceFilter(
        label=_("对象类型"), choices=ObjectKind.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("登记状态"), choices=ObjectStatus.choices, empty_label=_("全部")
    )
    risk_class = django_filters.MultipleChoiceFilter(
        label=_("信用风险分类"), choices=RiskClass.choices, widget=forms.CheckboxSelectMultiple
    )
    scale = django_filters.ChoiceFilter(
        label=_("规模"), choices=Scale.choices, empty_label=_("全部")
    )
    flag = django_filters.ChoiceFilter(
        label=_("特殊名单"), choices=FLAG_CHOICES, method="filter_flag", empty_label=_("全部")
    )
    department = django_filters.CharFilter(label=_("监管部门"), method="filter_department")
    licence = django_filters.CharFilter(label=_("许可类别"), method="filter_licence")
    grid = django_filters.CharFilter(label=_("网格"), field_name="grid")

    class Meta:
        model = InspectionObject
        fields: list[str] = []

    def __init__(self, *args, dense_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.dense_name = dense_name

    def use_department_select(self) -> None:
        """The page shows the department filter as a select (the API accepts any code)."""
        self.form.fields["department"].widget = forms.Select(
            choices=[("", _("全部部门")), *department_choices()]
        )

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(name_condition(value, dense=self.dense_name)) if value else queryset

    def filter_code(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return queryset
        if len(value) >= USCC_LENGTH:
            return queryset.filter(code=value)
        return queryset.filter(code__startswith=value)

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(region_code__startswith=value) if value else queryset

    def filter_industry(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        return queryset.filter(industry_code__startswith=value) if value else queryset

    def filter_flag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(flag_condition(value)) if value else queryset

    def filter_department(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return queryset
        supervised = ObjectSupervision.objects.filter(
            department__code=value, status=ObjectSupervision.Status.CLAIMED
        ).values("inspection_object_id")
        return queryset.filter(pk__in=supervised)

    def filter_licence(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(licence_types__contains=[value]) if value else queryset


def department_choices() -> list[tuple[str, str]]:
    """Member departments (code, short name), for the filter form's suggestions."""
    return [
        (code, short_name or name)
        for code, name, short_name in Department.objects.filter(is_active=True)
        .exclude(kind="office")
        .values_list("code", "name", "short_name")
    ]
