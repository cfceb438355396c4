"""Object scopes: which objects a matter, a plan item or a task applies to, defined by filters
(never by hand-picked lists), stored as JSON and turned into a queryset.

A scope spec is a dict; every key is optional and the conditions are AND-ed:
    kinds            list of ObjectKind values
    region_prefixes  list of administrative-division prefixes ("3301" = the city, "330102" = a district)
    industry_prefixes list of GB/T 4754 code prefixes ("C13" = agricultural food processing)
    risk_classes     list of RiskClass values
    scales           list of Scale values
    licence_types    list; the object holds at least one of them
    departments      list of department codes supervising the object
    grids            list of grid codes
    statuses         list of ObjectStatus values (default: ["active"])
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from registries.choices import ObjectKind, ObjectStatus, RiskClass, Scale, SpecialList
from registries.models import InspectionObject, ObjectSupervision

SCOPE_KEYS = (
    "kinds",
    "region_prefixes",
    "industry_prefixes",
    "risk_classes",
    "scales",
    "licence_types",
    "departments",
    "grids",
    "statuses",
)
SPECIAL_LIST_WINDOW_DAYS = 3 * 365


class ScopeError(ValueError):
    pass


def clean_scope(spec: dict[str, Any] | None) -> dict[str, list[str]]:
    """Validate a scope spec and return it normalised (sorted, de-duplicated lists of strings)."""
    spec = spec or {}
    unknown = sorted(set(spec) - set(SCOPE_KEYS))
    if unknown:
        raise ScopeError(_("未知的范围条件：%(keys)s") % {"keys": "、".join(unknown)})
    allowed = {
        "kinds": set(ObjectKind.values),
        "risk_classes": set(RiskClass.values),
        "scales": set(Scale.values),
        "statuses": set(ObjectStatus.values),
    }
    cleaned: dict[str, list[str]] = {}
    for key in SCOPE_KEYS:
        values = spec.get(key)
        if values in (None, [], ""):
            continue
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple) or not all(
            isinstance(value, str) for value in values
        ):
            raise ScopeError(_("范围条件 %(key)s 必须是文本列表。") % {"key": key})
        values = sorted({value.strip() for value in values if value.strip()})
        if key in allowed and not set(values) <= allowed[key]:
            bad = "、".join(sorted(set(values) - allowed[key]))
            raise ScopeError(
                _("范围条件 %(key)s 含有无效值：%(values)s") % {"key": key, "values": bad}
            )
        cleaned[key] = values
    return cleaned


def _any_prefix(field: str, prefixes: list[str]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def scope_condition(spec: dict[str, Any] | None, *, class_field: str = "risk_class") -> Q:
    """The scope as a condition on InspectionObject; its risk classes select by `class_field`
    (an annotation such as a department's fused class, see :func:`objects_in_scope`)."""
    spec = clean_scope(spec)
    condition = Q(status__in=spec.get("statuses", [ObjectStatus.ACTIVE]))
    if "kinds" in spec:
        condition &= Q(kind__in=spec["kinds"])
    if "region_prefixes" in spec:
        condition &= _any_prefix("region_code", spec["region_prefixes"])
    if "industry_prefixes" in spec:
        condition &= _any_prefix("industry_code", spec["industry_prefixes"])
    if "risk_classes" in spec:
        condition &= Q(**{f"{class_field}__in": spec["risk_classes"]})
    if "scales" in spec:
        condition &= Q(scale__in=spec["scales"])
    if "licence_types" in spec:
        condition &= Q(licence_types__overlap=spec["licence_types"])
    if "grids" in spec:
        condition &= Q(grid__in=spec["grids"])
    if "departments" in spec:
        condition &= Q(
            pk__in=ObjectSupervision.objects.filter(
                department__code__in=spec["departments"]
            ).values("inspection_object_id")
        )
    return condition


def objects_in_scope(
    spec: dict[str, Any] | None, *, stratum: Any = None
) -> QuerySet[Any]:  # of InspectionObject, with `stratum` when asked
    """The objects in scope. With `stratum` (an expression for the class a draw stratifies by,
    e.g. the lead department's fused class) they carry it as `stratum`, and the scope's risk
    classes select by it, as the draw does, not by the general class."""
    if stratum is None:
        return InspectionObject.objects.filter(scope_condition(spec))
    return InspectionObject.objects.annotate(stratum=stratum).filter(
        scope_condition(spec, class_field="stratum")
    )


def special_list_condition(on: date | None = None) -> Q:
    """Objects on any special list that must be included in a draw (002 plan 3 VII.4)."""
    on = on or date.today()
    window_start = on - timedelta(days=SPECIAL_LIST_WINDOW_DAYS)
    return (
        Q(anomaly_since__isnull=False, anomaly_since__lte=on)
        | Q(serious_violation_since__isnull=False, serious_violation_since__lte=on)
        | Q(penalised_at__gte=window_start, penalised_at__lte=on)
        | Q(group_complaint_at__gte=window_start, group_complaint_at__lte=on)
    )


def special_lists_of(inspection_object: InspectionObject, on: date | None = None) -> list[str]:
    """The special lists an object is on, as SpecialList values (the reason for a MUST draw)."""
    on = on or date.today()
    window_start = on - timedelta(days=SPECIAL_LIST_WINDOW_DAYS)
    lists: list[str] = []
    if inspection_object.anomaly_since and inspection_object.anomaly_since <= on:
        lists.append(SpecialList.ANOMALY)
    if (
        inspection_object.serious_violation_since
        and inspection_object.serious_violation_since <= on
    ):
        lists.append(SpecialList.SERIOUS_VIOLATION)
    if inspection_object.penalised_at and window_start <= inspection_object.penalised_at <= on:
        lists.append(SpecialList.PENALISED)
    if (
        inspection_object.group_complaint_at
        and window_start <= inspection_object.group_complaint_at <= on
    ):
        lists.append(SpecialList.GROUP_COMPLAINT)
    return lists


def describe_scope(spec: dict[str, Any] | None) -> str:
    """A plain-Chinese description of a scope, for plans, draw records and the public site."""
    spec = clean_scope(spec)
    labels = {
        "kinds": (_("对象类型"), dict(ObjectKind.choices)),
        "risk_classes": (_("信用风险分类"), dict(RiskClass.choices)),
        "scales": (_("规模"), dict(Scale.choices)),
        "statuses": (_("登记状态"), dict(ObjectStatus.choices)),
    }
    titles = {
        "region_prefixes": _("行政区划"),
        "industry_prefixes": _("行业代码"),
        "licence_types": _("许可类别"),
        "departments": _("监管部门"),
        "grids": _("网格"),
    }
    parts = []
    for key, values in spec.items():
        if key == "departments":
            from accounts.models import Department

            department_names = {
                code: short or name
                for code, name, short in Department.objects.filter(code__in=values).values_list(
                    "code", "name", "short_name"
                )
            }
            parts.append(f"{titles[key]}：{'、'.join(department_names.get(v, v) for v in values)}")
        elif key in labels:
            title, names = labels[key]
            parts.append(f"{title}：{'、'.join(str(names.get(value, value)) for value in values)}")
        else:
            parts.append(f"{titles[key]}：{'、'.join(values)}")
    return "；".join(parts) if parts else _("全部存续对象（不定向）")
