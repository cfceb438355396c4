"""Charts drawn on the server as SVG: no script, no style attribute (the CSP forbids inline
style), colours as presentation attributes, so the same markup works in pages and in WeasyPrint.
Every chart names the table that carries its numbers (``aria-describedby``); the table is what
screen readers and the XLSX read."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tasks.indicators.live import Indicator

INK = "#1f2933"
MUTED = "#5f6b7a"
LINE = "#d9dee5"
GOOD = "#1f7a4d"
WARN = "#b42318"
ACCENT = "#1d5fa7"


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "middle", fill=MUTED):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def trend_chart(indicator: Indicator, *, table_id: str, width: int = 560, height: int = 220):
    """The year-to-date value at the end of each month, with the target as a dashed line."""
    left, right, top, bottom = 44, 12, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [point.value_bp for point in indicator.trend]
    ceiling = max([indicator.target_bp, *[value or 0 for value in values], 1])
    ceiling = min(10000, ((ceiling * 11 // 10) + 999) // 1000 * 1000) or 10000

    def x(month: int) -> float:
        return left + (month - 1) * plot_w / 11

    def y(value: int) -> float:
        return top + plot_h - min(value, ceiling) * plot_h / ceiling

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{table_id}-title" aria-describedby="{table_id}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{table_id}-title">{escape(indicator.label)}</title>',
    ]
    for step in range(5):
        value = ceiling * step // 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{LINE}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(value) + 4, f"{value / 100:g}%", anchor="end"))
    for month in range(1, 13):
        parts.append(_text(x(month), height - 8, _("%(month)d月") % {"month": month}))
    target_y = y(indicator.target_bp)
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{target_y:.1f}" y2="{target_y:.1f}" '
        f'stroke="{WARN}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    parts.append(
        _text(
            width - right,
            target_y - 4,
            _("目标 %(value)s") % {"value": indicator.target_label},
            anchor="end",
            fill=WARN,
        )
    )
    points = [
        (x(point.month), y(point.value_bp))
        for point in indicator.trend
        if point.value_bp is not None
    ]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>'
        )
    for px, py in points:
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{ACCENT}"/>')
    if not points:
        parts.append(_text(width / 2, height / 2, _("暂无数据"), size=14))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text is escaped above


def bar_chart(
    rows: Sequence[tuple[str, int | None]],
    *,
    target_bp: int,
    table_id: str,
    title: str,
    width: int = 560,
) -> SafeString:
    """One horizontal bar per row (a department's value), the target as a vertical line."""
    label_w, right, bar_h, gap, top = 150, 56, 16, 8, 8
    height = top + len(rows) * (bar_h + gap) + 24
    plot_w = width - label_w - right
    ceiling = max([target_bp, *[value or 0 for _, value in rows], 1])
    ceiling = min(10000, ((ceiling * 11 // 10) + 999) // 1000 * 1000) or 10000
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{table_id}-title" aria-describedby="{table_id}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{table_id}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_h + gap)
        parts.append(_text(label_w - 8, y + bar_h - 3, label[:12], anchor="end", fill=INK))
        if value is None:
            parts.append(_text(label_w + 4, y + bar_h - 3, "—", anchor="start"))
            continue
        length = min(value, ceiling) * plot_w / ceiling
        colour = GOOD if value >= target_bp else WARN
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1):.1f}" height="{bar_h}" '
            f'fill="{colour}" rx="2"/>'
        )
        parts.append(
            _text(label_w + length + 4, y + bar_h - 3, f"{value / 100:.1f}%", anchor="start")
        )
    target_x = label_w + min(target_bp, ceiling) * plot_w / ceiling
    parts.append(
        f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="{top - 4}" y2="{height - 20}" '
        f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    parts.append(
        _text(
            target_x, height - 6, _("目标 %(value)s") % {"value": f"{target_bp / 100:g}%"}, fill=INK
        )
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text is escaped above
