import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plans import services
from plans.scoping import peak_season_warnings


def test_office_keeps_peak_seasons_and_items_are_warned(office_admin):
    season = services.peak_season_create(
        created_by=office_admin, industry_prefix="c13", months=[10, 9], note="秋收"
    )
    assert (season.industry_prefix, season.months) == ("C13", [9, 10])
    warnings = peak_season_warnings({"industry_prefixes": ["C1391"]}, 8, 9)
    assert [warning.months for warning in warnings] == [[9]]
    assert "C13" in warnings[0].message and "秋收" in warnings[0].message
    assert peak_season_warnings({"industry_prefixes": ["C1391"]}, 3, 6) == []
    assert peak_season_warnings({}, 9, 10) == []  # no industry filter, no warning
    services.peak_season_update(
        season=season, updated_by=office_admin, industry_prefix="C13", months=[9], is_active=False
    )
    assert peak_season_warnings({"industry_prefixes": ["C13"]}, 9, 9) == []
    services.peak_season_delete(season=season, deleted_by=office_admin)


def test_peak_seasons_are_validated_and_office_only(office_admin, liaison_a):
    with pytest.raises(ValidationError):
        services.peak_season_create(created_by=office_admin, industry_prefix="", months=[13])
    with pytest.raises(PermissionDenied):
        services.peak_season_create(created_by=liaison_a, industry_prefix="E", months=[3])
