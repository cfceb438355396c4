"""Validation of a plain CSV in worker processes gives exactly what one process gives."""

from __future__ import annotations

import io
import multiprocessing
import random

import pytest

from registries.importing import parallel, reader
from registries.importing.columns import map_header
from registries.importing.reader import open_csv
from registries.importing.validation import (
    DepartmentDirectory,
    RegistryLoad,
    ValidationStats,
    staging_chunks,
)
from registries.uscc import random_uscc

HEADER = ["统一社会信用代码", "名称", "对象类型", "行政区划代码", "信用风险分类", "监管部门", "经营异常名录日期"]  # fmt: skip
DIRECTORY = {"SAMR": 1, "ENV": 2}


def plain_file(path, count: int, *, seed: int = 3) -> list[list[str]]:
    """A plain CSV (no quotes) of ``count`` rows, some bad, some repeating earlier codes (also
    rows far apart, which land in different pieces), some blank."""
    rng = random.Random(seed)
    codes = [random_uscc(random.Random(seed * 100_000 + index)) for index in range(count)]
    rows = []
    for index, code in enumerate(codes):
        row = [code, f"临江市第{index}贸易有限公司", "企业", "330102", "B", "", ""]
        roll = rng.random()
        if roll < 0.01:
            row[3] = "3301"
        elif roll < 0.02:
            row[0] = codes[rng.randrange(max(index, 1))]  # an earlier code, maybe pieces away
        elif roll < 0.025:
            row = []
        elif roll < 0.04:
            row[5] = rng.choice(["SAMR", "ENV;SAMR", "未知局"])
        elif roll < 0.05:
            row[6] = rng.choice(["2025/6/30", "2025-13-45"])
        rows.append(row)
    path.write_text(
        "\r\n".join(",".join(row) for row in [HEADER, *rows]) + "\r\n", encoding="utf-8-sig"
    )
    return rows


def outcome(path, *, in_parallel: bool, registry: bool) -> dict:
    opened = open_csv(path)
    assert opened.plain_text is not None
    header = map_header(opened.header)
    stats = ValidationStats()
    errors: list[tuple] = []
    progress: list[int] = []
    supervisions = io.StringIO()
    load = None
    if registry:
        load = RegistryLoad(
            first_id=501,
            stamp="2026-12-04 10:00:00+08",
            supervisions=supervisions.write,
            default_department_ids=[1],
            supervision_suffix="\tclaimed\t2026-12-04 10:00:00+08\t7\n",
        )
    arguments = {
        "departments": DepartmentDirectory(by_key=dict(DIRECTORY)),
        "stats": stats,
        "report_error": lambda *error: errors.append(error),
        "progress": progress.append,
        "registry_load": load,
    }
    if in_parallel:
        assert parallel.parallel_possible(opened)
        text = "".join(parallel.validated_chunks(opened, header, **arguments))
    else:
        text = "".join(staging_chunks(opened.rows, header, **arguments))
    opened.close()
    result = {
        "text": text,
        "errors": errors,
        "counts": (stats.rows, stats.valid, stats.invalid, stats.errors, stats.last_row_no),
        "seen": list(stats.seen_codes.items()),
        "last progress": progress[-1],
    }
    if load is not None:
        result |= {
            "supervisions": supervisions.getvalue(),
            "departments": load.department_ids,
            "last_id": load.last_id,
        }
    return result


@pytest.fixture
def small_pieces(monkeypatch, settings):
    """Pieces of ~8 KB (about 100 rows) so that a small file has many, over two workers."""
    monkeypatch.setattr(parallel, "CHUNK", 8192)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ROWS", 1)
    settings.IMPORT_WORKERS = 2


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("registry", [False, True], ids=["staging", "registry"])
def test_workers_give_what_one_process_gives(tmp_path, registry):
    path = tmp_path / "objects.csv"
    rows = plain_file(path, 3000)
    one = outcome(path, in_parallel=False, registry=registry)
    several = outcome(path, in_parallel=True, registry=registry)
    assert several == one
    # the file had what the merge must handle: repeated codes across pieces, errors, blank rows
    reasons = [reason for _row, _column, _value, reason in one["errors"]]
    assert sum("编码重复" in reason for reason in reasons) > 10
    assert far_apart(one["errors"])
    assert one["counts"][0] < len(rows)


def far_apart(errors) -> bool:
    """Some repeated code whose first row is more than a piece (~100 rows) before it."""
    for row, _column, _value, reason in errors:
        if "编码重复" in reason:
            first = int("".join(char for char in reason if char.isdigit()))
            if row - first > 300:
                return True
    return False


def test_files_that_are_not_plain_are_validated_in_this_process(tmp_path, settings):
    settings.IMPORT_WORKERS = 2
    path = tmp_path / "quoted.csv"
    path.write_text('统一社会信用代码,名称,行政区划代码\r\n"91350100M000100Y43","名称",330102\r\n')
    assert open_csv(path).plain_text is None
    path.write_text("统一社会信用代码,名称,行政区划代码\r91350100M000100Y43,名称,330102\r")
    assert open_csv(path).plain_text is None
    path.write_text("统一社会信用代码,名称,行政区划代码\n91350100M000100Y43,名称,330102\n")
    assert open_csv(path).plain_text is not None
    assert not parallel.parallel_possible(open_csv(path))  # and small


def test_a_crlf_split_between_two_chunks_of_the_encoding_check_is_still_plain(
    tmp_path, monkeypatch
):
    path = tmp_path / "objects.csv"
    path.write_bytes(b"code,name,region\r\n" + b"91350100M000100Y43,x,330102\r\n" * 5)
    for size in range(2, 40):
        monkeypatch.setattr(reader, "CHUNK", size)
        assert reader.detect_csv_encoding(path)[2], size


@pytest.mark.usefixtures("small_pieces")
def test_a_daemonic_process_such_as_a_prefork_pool_child_validates_in_itself(tmp_path, monkeypatch):
    path = tmp_path / "objects.csv"
    plain_file(path, 300)
    opened = open_csv(path)
    assert parallel.parallel_possible(opened)
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)
    assert not parallel.parallel_possible(opened)
    opened.close()
