"""Demo city: the public site. Every completed object draw of the demo tasks gets its drawn list
published by a member of the lead department (as the 5-working-day rule asks), and the public
projection holds every published result. Idempotent."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def build(stdout=None, **options) -> None:
    from accounts.models import User
    from publication.site.selectors import published_draws
    from publication.site.services import drawn_list_publish, public_results_rebuild
    from tasks.choices import DrawKind, DrawState
    from tasks.models import Draw

    waiting = (
        Draw.objects.filter(kind=DrawKind.DRAW, state=DrawState.DRAWN)
        .exclude(pk__in=published_draws().values("pk"))
        .select_related("task__lead_department")
        .order_by("pk")
    )
    published = 0
    for draw in waiting:
        department = draw.task.lead_department
        publisher = User.objects.filter(
            username=f"{department.code.lower()}_staff", is_active=True
        ).first()
        if publisher is None:
            continue
        drawn_list_publish(draw=draw, published_by=publisher)
        published += 1
    projected = public_results_rebuild()
    if stdout is not None:
        stdout.write(f"公开网站：公示抽查名单 {published} 份；补充公示结果 {projected} 条")
