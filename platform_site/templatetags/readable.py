"""Codes in words for the pages: rates in percent, departments by name, tags by label.

A page shows what a clerk reads, never what a program stores: {"A": {"rate_bp": 300}} is
"A类 3%", {"EMB": 1} is "应急管理局 1 人", "LE" is "持执法证"."""

from django import template
from django.utils.translation import gettext as _

from accounts.models import Department
from plans.scoping import format_bp
from registries.drawable import EXPERT_DEPARTMENT
from registries.tags import tag_label

register = template.Library()


def department_names(codes) -> dict[str, str]:
    codes = [code for code in codes if code and code != EXPERT_DEPARTMENT]
    names = {
        code: short or name
        for code, name, short in Department.objects.filter(code__in=codes).values_list(
            "code", "name", "short_name"
        )
    }
    names[EXPERT_DEPARTMENT] = _("专家")
    return names


@register.filter
def department_name(code: str) -> str:
    return department_names([code]).get(code, code)


@register.filter
def strata_text(strata) -> str:
    """{"A": {"rate_bp": 300}, "D": {"count": 3}} → "A类 3%；D类 3 户"."""
    parts = []
    for risk_class, rule in (strata or {}).items():
        if rule.get("rate_bp") is not None:
            value = format_bp(int(rule["rate_bp"]))
        else:
            value = _("%(n)s 户") % {"n": rule.get("count")}
        parts.append(_("%(cls)s类 %(value)s") % {"cls": risk_class, "value": value})
    return "；".join(parts)


@register.filter
def composition_text(composition) -> str:
    """{"SAMR": 1, "EMB": 1} → "市场监管局 1 人、应急管理局 1 人"."""
    composition = composition or {}
    names = department_names(composition)
    return "、".join(
        _("%(dept)s %(n)s 人") % {"dept": names.get(code, code), "n": n}
        for code, n in composition.items()
    )


@register.filter
def required_tags_text(required_tags) -> str:
    """{"SAMR": ["LE", "FOOD"]} → "市场监管局：持执法证、食品"."""
    required_tags = required_tags or {}
    names = department_names(required_tags)
    return "；".join(
        f"{names.get(code, code)}：{'、'.join(tag_label(tag) for tag in tags)}"
        for code, tags in required_tags.items()
    )


@register.filter
def tag_labels(tags) -> str:
    return "、".join(tag_label(tag) for tag in tags or [])


@register.filter(name="tag_label")
def tag_label_filter(tag: str) -> str:
    return tag_label(tag)
