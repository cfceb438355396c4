from django import template

from catalog.snapshots import display_value

register = template.Library()


@register.filter
def method_labels(methods) -> str:
    return display_value("methods", list(methods or []))


@register.filter
def percent_bp(value) -> str:
    return display_value("ratio_cap_bp", value)
