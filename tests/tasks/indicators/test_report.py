"""The year-end summary PDF: rendered through the printing kind, with the numbers in it."""

import io
import os

import pytest
from django.urls import reverse
from pypdf import PdfReader

from platform_site.documents import render_bytes
from tasks.indicators.report import YearReportKind
from tests.tasks.indicators.builders import build_year


@pytest.fixture
def year(db, office_admin, department_a, department_b):
    return build_year(
        office_admin=office_admin, department_a=department_a, department_b=department_b
    )


def test_year_report_prints_indicators_departments_and_draw_hashes(year):
    content = render_bytes(YearReportKind(), 2025)
    if os.environ.get("YEAR_REPORT_PDF"):  # to look at it: pdftoppm -png
        with open(os.environ["YEAR_REPORT_PDF"], "wb") as target:
            target.write(content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "年度“双随机、一公开”监管工作总结" in text
    assert "部门联合抽查占比" in text and "60%" in text
    assert "T5" in text and "甲部门" in text


def test_year_report_is_for_the_office_only(
    year, client_for, office_admin, dept_admin_a, clean_documents
):
    url = reverse("indicators:report", args=[2025])
    assert client_for(dept_admin_a).get(url).status_code == 404
    response = client_for(office_admin).get(url)
    assert response.status_code in (200, 202)
