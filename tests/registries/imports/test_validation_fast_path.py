"""The import's block fast path gives exactly what the row-by-row validation gives.

`staging_chunks` first offers each block of rows to `_BlockValidator`, which accepts only blocks in
which no row has anything to report. Whatever the rows, turning the fast path off must change
nothing: not the COPY lines, not the error report, not the counts, not the codes seen, not the
supervisions written.
"""

from __future__ import annotations

import io
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registries.objects.importing import validation
from registries.objects.importing.columns import COLUMN_KEYS, map_header
from registries.objects.importing.validation import (
    DepartmentDirectory,
    RegistryLoad,
    ValidationStats,
    staging_chunks,
)
from registries.uscc import all_valid_uscc, is_valid_uscc, random_uscc

CODES = [random_uscc(random.Random(seed)) for seed in range(40)]
DIRECTORY = {
    "SAMR": 1,
    "临江市市场监督管理局": 1,
    "市场监管局": 1,
    "ENV": 2,
    "生态环境局": 2,
    "LXB": 9,
}
MARKERS = ["【清空】", " [清空] "]  # clears a clearable column; refused in the others

# Each column: values that pass as they are, then values the row loop must repair, escape or report.
CLEAN = {
    "code": CODES,
    "name": ["临江市华信贸易有限公司", "恒通餐饮店", "Acme 科技（临江）有限公司"],
    "kind": ["", "企业", "enterprise", "个体工商户", "农民专业合作社"],
    "legal_representative": ["", "王某", "李某某"],
    "address": ["", "临江市滨江路 1 号"],
    "region_code": ["330102", "330105", "330102001"],
    "industry_code": ["", "F5221", "C13"],
    "licence_types": ["", "食品经营", "药品经营；医疗器械经营", "食品经营;食品经营"],
    "scale": ["", "小型", "micro", "中"],
    "risk_class": ["", "A", "B类", "d", "高风险"],
    "status": ["", "存续", "active", "已注销"],
    "registering_authority": ["", "临江市市场监督管理局"],
    "grid": ["", "网格01"],
    "departments": ["", "SAMR", "市场监管局、生态环境局"],
    "anomaly_since": ["", "2025-06-30", "2024/3/5", "2024年3月5日", "20240305"],
    "anomaly_source": ["", "临江市市场监督管理局"],
    "serious_violation_since": ["", "2023-01-02"],
    "serious_violation_source": ["", "省局"],
    "penalised_at": ["", "2025-01-31"],
    "penalised_source": [""],
    "group_complaint_at": ["", "2025-02-01"],
    "group_complaint_source": ["", "12345 热线"],
}
DIRTY = {
    "code": [
        "",
        CODES[0].lower(),
        f" {CODES[1]} ",
        CODES[2][:-1] + ("0" if CODES[2][-1] != "0" else "1"),
        "91350100M000100Y4",
        "PRODUCT-001",
    ],
    "name": ["", "  恒通餐饮店 ", "名称\t含制表符", "名称\\反斜杠", "换行\n名称", "长" * 201],
    "kind": ["产品", "bogus", "  企业  "],
    "legal_representative": [" 王某 ", "长" * 101, "王\t某"],
    "address": ["路\\1号", "长" * 301],
    "region_code": ["", " 330102 ", "3301", "33010A"],
    "industry_code": ["f5221", "X", " F52 "],
    "licence_types": ["长" * 41, " 食品经营 ；"],
    "scale": ["巨型", " 大型 "],
    "risk_class": ["E", " B "],
    "status": ["停业", " 存续"],
    "registering_authority": ["长" * 101],
    "grid": ["长" * 41, " 网格02 "],
    "departments": ["未知局", "SAMR,ENV", "LXB", "SAMR;LXB"],
    "anomaly_since": ["2025-13-45", " 2025-06-30 "],
    "anomaly_source": [" 来源 ", "来源\\"],
    "penalised_at": ["昨天"],
    "group_complaint_source": ["长" * 101],
}


@st.composite
def rows(draw, dirty: bool) -> list[str]:
    row = [draw(st.sampled_from(CLEAN[key])) for key in COLUMN_KEYS]
    if dirty:
        for key in draw(st.lists(st.sampled_from(sorted(DIRTY)), min_size=1, max_size=3)):
            row[COLUMN_KEYS.index(key)] = draw(st.sampled_from(DIRTY[key]))
        if draw(st.integers(0, 9)) == 0:
            row = row[: draw(st.integers(0, len(row) - 1))]  # a short row, or a blank line
    return row


for _key in COLUMN_KEYS:
    DIRTY[_key] = [*DIRTY.get(_key, []), *MARKERS]

# Three clean rows for every dirty one, so that many blocks of four go through the fast path.
files = st.lists(st.one_of(rows(False), rows(False), rows(False), rows(True)), max_size=24)


def validate(file_rows, *, fast: bool, registry: bool, departments_column: bool = True):
    header_row = [key for key in COLUMN_KEYS if departments_column or key != "departments"]
    width = len(header_row)
    body = [
        [value for key, value in zip(COLUMN_KEYS, row, strict=False) if key in header_row][:width]
        for row in file_rows
    ]
    errors: list[tuple] = []
    stats = ValidationStats()
    supervisions = io.StringIO()
    load = None
    if registry:
        load = RegistryLoad(
            first_id=1001,
            stamp="2026-12-04 10:00:00+08",
            supervisions=supervisions.write if departments_column else None,
            default_department_ids=[1],
            supervision_suffix="\tclaimed\t2026-12-04 10:00:00+08\t7\n",
        )
    text = "".join(
        staging_chunks(
            [list(row) for row in body],
            map_header(header_row),
            departments=DepartmentDirectory(by_key=dict(DIRECTORY), office_ids=frozenset({9})),
            stats=stats,
            report_error=lambda *error: errors.append(error),
            registry_load=load,
            fast_path=fast,
        )
    )
    outcome = {
        "text": text,
        "errors": errors,
        "stats": (stats.rows, stats.valid, stats.invalid, stats.errors, stats.last_row_no),
        "seen": stats.seen_codes,
    }
    if load is not None:
        outcome |= {
            "supervisions": supervisions.getvalue(),
            "departments": load.department_ids,
            "last_id": load.last_id,
        }
    return outcome


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(validation, "BLOCK_ROWS", 4)
    monkeypatch.setattr(validation, "PART_ROWS", 2)


@pytest.mark.usefixtures("small_blocks")
@settings(max_examples=300, deadline=None)
@given(files, st.booleans(), st.booleans())
def test_fast_path_changes_nothing(file_rows, registry, departments_column):
    slow = validate(file_rows, fast=False, registry=registry, departments_column=departments_column)
    fast = validate(file_rows, fast=True, registry=registry, departments_column=departments_column)
    assert fast == slow


@pytest.mark.usefixtures("small_blocks")
@pytest.mark.parametrize("registry", [False, True], ids=["staging", "registry"])
@pytest.mark.parametrize(
    ("key", "value"), [(key, value) for key in sorted(DIRTY) for value in DIRTY[key]]
)
def test_each_problem_alone_in_a_clean_block(key, value, registry):
    clean = [
        [CLEAN[column][index % len(CLEAN[column])] for column in COLUMN_KEYS] for index in range(8)
    ]
    clean[5][COLUMN_KEYS.index(key)] = value
    slow = validate(clean, fast=False, registry=registry)
    assert validate(clean, fast=True, registry=registry) == slow


def test_clean_blocks_take_the_fast_path_and_a_bad_row_sends_its_block_to_the_row_loop(
    monkeypatch,
):
    accepted = []
    original = validation._BlockValidator.__call__

    def spy(self, block, row_no, object_id):
        text = original(self, block, row_no, object_id)
        accepted.append(text is not None)
        return text

    monkeypatch.setattr(validation._BlockValidator, "__call__", spy)
    clean_rows = [
        [
            code,
            f"临江市第{index}贸易有限公司",
            "企业",
            "",
            "",
            "330102",
            "F5221",
            "食品经营",
            "小型",
        ]
        + [""] * (len(COLUMN_KEYS) - 9)
        for index, code in enumerate(
            random_uscc(random.Random(seed)) for seed in range(1000, 1000 + 600)
        )
    ]
    clean_rows[300][0] = clean_rows[300][0].lower()  # upper-cased, not reported
    clean_rows[400][5] = "3301"  # reported
    both = {
        fast: validate(clean_rows, fast=fast, registry=True, departments_column=True)
        for fast in (True, False)
    }
    assert both[True] == both[False]
    # the second block (rows 258-513) has a row to report: tried again in parts of 32 rows, all
    # pass but the part of row 402, which the row loop takes
    assert accepted == [True, False, True, True, True, True, False, True, True, True, True]
    assert [(row, column) for row, column, _value, _reason in both[True]["errors"]] == [
        (402, "region_code")
    ]
    assert both[True]["stats"][1:3] == (599, 1)


# No deadline nor "too slow" check: on a loaded 2-core machine drawing the inputs alone can take a
# second, which says nothing about the code under test.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(CODES), min_size=1, max_size=6),
    st.integers(0, 17),
    st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZab _-é"),
)
def test_all_valid_uscc_agrees_with_the_single_code_check(codes, index, replacement):
    altered = list(codes)
    altered[-1] = altered[-1][:index] + replacement + altered[-1][index + 1 :]
    for batch in (codes, altered, [*codes, altered[-1] + "1"], [*codes, altered[-1][:17]]):
        expected = all(
            is_valid_uscc(code) and len(code) == 18 and code == code.strip().upper()
            for code in batch
        )
        assert all_valid_uscc(batch) == expected
