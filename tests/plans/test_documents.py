"""The plan PDF (WeasyPrint, Chinese typesetting, page numbers, approval record) and XLSX."""

import io
import subprocess
from pathlib import Path

import openpyxl

from plans.documents import render_version_pdf, render_version_xlsx


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_pdf_renders_chinese_text_page_numbers_and_approval_record(published_plan, tmp_path):
    version = published_plan.current_version
    pdf = render_version_pdf(version)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    compact = "".join(text.split())
    assert "临江市2027年度市场监管领域部门联合" in compact
    assert "食品生产企业双随机抽查" in text
    # pdftotext drops the narrow spaces between CJK glyphs: "第 1 页 共 2 页" reads "第1页共2页"
    assert "第 1 页" in text or "第1页共2页" in compact
    assert "审批记录" in text
    assert "同意" in text
    assert version.audit_hash in compact


def test_pdf_uses_the_noto_cjk_fonts(published_plan, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(render_version_pdf(published_plan.current_version))
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    assert "Noto-Serif-CJK-SC" in fonts


def test_xlsx_lists_items_and_the_approval_record(published_plan):
    version = published_plan.current_version
    workbook = openpyxl.load_workbook(io.BytesIO(render_version_xlsx(version)))
    items = list(workbook["计划事项"].iter_rows(values_only=True))
    assert items[0][0] == "序号"
    assert {row[2] for row in items[1:]} == {"食品生产企业双随机抽查", "特种设备抽查"}
    record = list(workbook["审批记录"].iter_rows(values_only=True))
    assert record[1][0] == 2027 and record[1][1] == 1
    assert record[1][6] == version.audit_hash


def test_public_plan_pdf_is_rendered_once_and_rebuilt_only_when_the_plan_changes(
    published_plan,
    client_for,
    api_client_for,
    django_capture_on_commit_callbacks,
    staff_a,
    clean_documents,
):
    from accounts.audit import record_event

    version = published_plan.current_version
    public = client_for(None)
    # the first citizen's request queues one render; the job runs after the commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert public.get("/plans/public/2027/plan.pdf").status_code == 202
    assert len(callbacks) == 1
    files = list(clean_documents.rglob("*.pdf"))
    assert len(files) == 1
    # later requests, anonymous or signed in, page or API, get the same cached file
    with django_capture_on_commit_callbacks() as callbacks:
        assert public.get("/plans/public/2027/plan.pdf")["Content-Type"] == "application/pdf"
        assert public.get("/plans/public/2027/v1/plan.pdf")["Content-Type"] == "application/pdf"
        assert client_for(staff_a).get("/plans/2027/versions/1/plan.pdf").status_code == 200
        api = api_client_for(None).post(
            "/api/v1/documents/",
            {"kind": "plans.plan_version", "year": 2027, "number": 1},
            format="json",
        )
        assert api.status_code == 200 and api.data["file_url"]
        # unrelated activity elsewhere on the platform changes nothing
        record_event(actor=staff_a, action="test.unrelated")
        assert public.get("/plans/public/2027/plan.pdf").status_code == 200
    assert callbacks == [] and list(clean_documents.rglob("*.pdf")) == files
    # when the plan itself changes, the next request rebuilds it
    version.comment = "经联席会议审议，同意（修订意见）。"
    version.save(update_fields=["comment"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert public.get("/plans/public/2027/plan.pdf").status_code == 202
    assert len(callbacks) == 1
    # and once rebuilt, the old file is gone
    assert list(clean_documents.rglob("*.pdf")) != files
    assert not files[0].exists()


def test_pdf_download_is_open_to_signed_in_users_and_the_public(
    client_for, published_plan, staff_b, clean_documents
):
    assert client_for(staff_b).get("/plans/2027/versions/1/plan.pdf").status_code == 202
    assert client_for(None).get("/plans/2027/versions/1/plan.pdf").status_code == 302
    assert client_for(None).get("/plans/public/2027/plan.pdf").status_code == 202
