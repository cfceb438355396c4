from django import template

from plans.scoping import format_bp

register = template.Library()


@register.filter
def bp(value):
    """Basis points as a percentage: 250 → 2.5%."""
    if value in (None, ""):
        return "—"
    return format_bp(int(value))


@register.filter
def ratios_text(ratios):
    ratios = ratios or {}
    return "；".join(f"{cls}类 {format_bp(ratios.get(cls))}" for cls in "ABCD")
