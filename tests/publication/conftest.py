"""Calendar test data. The official schedule seed and the per-test cache reset live in
tests/conftest.py, because every app's deadlines depend on them."""

from datetime import date

import pytest


@pytest.fixture
def schedule_2027() -> str:
    """A plausible 2027 schedule in the import format (2027 has no official data in the package)."""
    return "\n".join(
        [
            "# 2027 年部分节假日安排（测试数据）",
            "2027-01-01,休,元旦",
            "2027-02-05,holiday,春节",
            "2027-02-08,休,春节",
            "2027-02-09,休,春节",
            "2027-02-07,班,春节调休",
            "2027-10-01\tholiday\t国庆节",
            "2027-10-04,休,国庆节",
            "2027-10-09,workday,国庆节调休",
        ]
    )


@pytest.fixture
def some_weekday() -> date:
    return date(2027, 3, 3)  # a Wednesday in a year without official data
