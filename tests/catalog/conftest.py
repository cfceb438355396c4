"""Catalog fixtures: the city's departments (as the demo names them), the real provincial lists,
and small matters to work on."""

from datetime import date
from pathlib import Path

import pytest

from tests.catalog.factories import MatterFactory

FIXTURES = Path(__file__).resolve().parents[2] / "catalog" / "fixtures"
HAINAN_2020 = FIXTURES / "hainan-2020-random-inspection-matters.xlsx"
HAINAN_JOINT = FIXTURES / "hainan-joint-inspection-matters-v2.xls"

CITY_DEPARTMENTS = [
    ("SAMR", "临江市市场监督管理局"),
    ("EEB", "临江市生态环境局"),
    ("TRANS", "临江市交通运输局"),
    ("CULT", "临江市文化广电旅游局"),
    ("AGRI", "临江市农业农村局"),
    ("HOUSE", "临江市住房和城乡建设局"),
    ("EMB", "临江市应急管理局"),
    ("HEALTH", "临江市卫生健康委员会"),
    ("COMM", "临江市商务局"),
    ("FIRE", "临江市消防救援支队"),
    ("NRB", "临江市自然资源和规划局"),
    ("HRSS", "临江市人力资源和社会保障局"),
]


@pytest.fixture
def city_departments(db):
    from tests.accounts.factories import DepartmentFactory

    return {code: DepartmentFactory(code=code, name=name) for code, name in CITY_DEPARTMENTS}


@pytest.fixture
def matter(department_a):
    matter = MatterFactory(
        code="T-001", name="年度报告公示信息的检查", effective_from=date(2020, 1, 1)
    )
    matter.implementing_departments.set([department_a])
    return matter


@pytest.fixture
def other_matter(department_b):
    matter = MatterFactory(
        code="T-002", name="排污许可执行情况检查", effective_from=date(2020, 1, 1)
    )
    matter.implementing_departments.set([department_b])
    return matter
