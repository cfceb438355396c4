"""Peak production seasons per industry, kept by the office (000 art. 11: schedules avoid them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import User
from plans.models import PeakSeason
from plans.services._common import require_office_admin


def _clean(industry_prefix: str, months: list[int]) -> tuple[str, list[int]]:
    prefix = (industry_prefix or "").strip().upper()
    errors = {}
    if not prefix or not prefix.isalnum():
        errors["industry_prefix"] = _("请填写行业代码前缀，例如 C13、R、H。")
    try:
        cleaned = sorted({int(month) for month in months})
    except (TypeError, ValueError):
        cleaned = []
    if not cleaned or any(not 1 <= month <= 12 for month in cleaned):
        errors["months"] = _("请选择 1 至 12 月中的月份。")
    if errors:
        raise ValidationError(errors)
    return prefix, cleaned


@transaction.atomic
def peak_season_create(
    *, created_by: User, industry_prefix: str, months: list[int], note: str = ""
) -> PeakSeason:
    require_office_admin(created_by)
    prefix, months = _clean(industry_prefix, months)
    season = PeakSeason.objects.create(industry_prefix=prefix, months=months, note=note.strip())
    record_event(
        actor=created_by,
        action="peak_season.create",
        target=season,
        details={"prefix": prefix, "months": months, "note": season.note},
    )
    return season


@transaction.atomic
def peak_season_update(
    *,
    season: PeakSeason,
    updated_by: User,
    industry_prefix: str,
    months: list[int],
    note: str = "",
    is_active: bool = True,
) -> PeakSeason:
    require_office_admin(updated_by)
    prefix, months = _clean(industry_prefix, months)
    season = PeakSeason.objects.select_for_update().get(pk=season.pk)
    before = {
        "prefix": season.industry_prefix,
        "months": season.months,
        "note": season.note,
        "active": season.is_active,
    }
    season.industry_prefix, season.months, season.note, season.is_active = (
        prefix,
        months,
        note.strip(),
        is_active,
    )
    season.save(update_fields=["industry_prefix", "months", "note", "is_active"])
    after = {"prefix": prefix, "months": months, "note": season.note, "active": is_active}
    record_event(
        actor=updated_by,
        action="peak_season.update",
        target=season,
        details={"before": before, "after": after},
    )
    return season


@transaction.atomic
def peak_season_delete(*, season: PeakSeason, deleted_by: User) -> None:
    require_office_admin(deleted_by)
    record_event(
        actor=deleted_by,
        action="peak_season.delete",
        target=season,
        details={"prefix": season.industry_prefix, "months": season.months, "note": season.note},
    )
    season.delete()
