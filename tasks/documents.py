"""The printable draw record (WeasyPrint, A4, Noto CJK fonts): inputs' hashes, witnesses, seed,
results, groups with leaders, the reason for every MUST object and the audit head."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from tasks.models import Draw
from tasks.selectors import draw_record_context


def draw_record_pdf(draw: Draw) -> bytes:
    from weasyprint import HTML

    context = draw_record_context(draw, public=False)
    context.update(city_name=getattr(settings, "CITY_NAME", ""), printed_at=timezone.localtime())
    html = render_to_string("tasks/pdf/draw_record.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
