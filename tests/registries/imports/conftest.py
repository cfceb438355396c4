"""Helpers for the object-import tests: files in memory, and an upload that runs the job."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registries.models import ImportJob
from registries.objects.importing.services import import_job_create
from registries.uscc import random_uscc

HEADER = [
    "统一社会信用代码",
    "名称",
    "对象类型",
    "行政区划代码",
    "行业代码",
    "许可类别",
    "信用风险分类",
    "监管部门",
]


def valid_codes(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < count:
        code = random_uscc(rng)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def object_rows(count: int, seed: int = 7) -> list[list[str]]:
    return [
        [
            code,
            f"临江市测试企业{index}有限公司",
            "企业",
            "330102",
            "F5221",
            "食品经营；药品经营",
            "B",
            "",
        ]
        for index, code in enumerate(valid_codes(count, seed))
    ]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(content: bytes, name: str = "objects.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Upload through the service and let the (eager) Celery job run after the commit."""

    def run(
        user, content: bytes, *, name="objects.csv", mode="valid_rows", duplicate_policy="update"
    ) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(
                uploaded_by=user,
                upload=upload(content, name),
                mode=mode,
                duplicate_policy=duplicate_policy,
            )
        job.refresh_from_db()
        return job

    return run


def read_report(job: ImportJob) -> list[list[str]]:
    with open(job.error_report.path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))
