"""The public result tables' rows, rendered once per published version and language.

A row of `PublicResult` never changes (a correction is a new row), so its HTML is kept in Redis
(`public:row:…`, a day) apart from the page cache's generations: after a publication makes every
page stale, the pages render again from the rows already made, and only new rows are rendered.
The rendering of the rows was most of the cost of a page rendered afresh (docs/performance.md)."""

from __future__ import annotations

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

ROW_TEMPLATE = "publication/site/_result_row.html"
# Bump when the row's template changes, so that no row of the previous shape is shown.
ROW_VERSION = 1
ROW_SECONDS = 24 * 3600


@register.simple_tag
def public_result_rows(results) -> SafeString:
    results = list(results)
    prefix = f"public:row:{ROW_VERSION}:{get_language()}:"
    found = cache.get_many([f"{prefix}{r.pk}" for r in results])
    row_template = get_template(ROW_TEMPLATE)
    rendered = {}
    html = []
    for r in results:
        key = f"{prefix}{r.pk}"
        if key not in found:
            rendered[key] = found[key] = row_template.render({"r": r})
        html.append(found[key])
    if rendered:
        cache.set_many(rendered, ROW_SECONDS)
    return mark_safe("".join(html))  # the row template escaped every value
