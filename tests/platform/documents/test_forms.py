"""What the forms print: Chinese text in Noto CJK, the task, object, group, inspectors and check
points filled in, document numbers, QR codes, and all notices of a task in one PDF by chunks."""

import subprocess
from pathlib import Path

import pytest

from platform_site import documents
from platform_site.documents import (
    document_get,
    document_render,
    document_request,
    get_kind,
    render_bytes,
)
from tests.catalog.factories import CheckPointFactory

pytestmark = pytest.mark.django_db


def _text(pdf: bytes, tmp_path: Path, name: str = "doc.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _compact(text: str) -> str:
    return "".join(text.split())


def test_inspection_notice_names_the_object_the_group_and_its_certificates(drawn, tmp_path):
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    kind = get_kind("tasks.inspection_notice")
    text = _compact(
        _text(render_bytes(kind, kind.load({"drawn_object": drawn_object.pk})), tmp_path)
    )
    assert "检查通知书" in text and "送达回执" in text
    assert drawn_object.inspection_object.name in text
    assert drawn.task.code in text and "检通〔" in text
    members = drawn.members.filter(group_id=drawn_object.group_id, replaced_by__isnull=True)
    for member in members.select_related("inspector"):
        assert member.inspector.name in text and member.inspector.certificate_number in text
    assert "（组长）" in text
    assert "第1页共1页" in text


def test_onsite_record_lists_every_check_point_with_its_basis_and_answer_boxes(drawn, tmp_path):
    matter = drawn.task.matters.get()
    # after the matter's own points (their positions come from a factory sequence shared by the
    # whole process, so a fixed number may already be taken)
    last = max(matter.check_points.values_list("position", flat=True), default=0)
    CheckPointFactory(
        matter=matter,
        position=last + 1,
        text="食品贮存条件符合要求",
        basis="《食品安全法》第三十三条",
    )
    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    kind = get_kind("tasks.onsite_record")
    subject = kind.load({"drawn_object": drawn_object.pk, "matter": matter.pk})
    text = _compact(_text(render_bytes(kind, subject), tmp_path))
    assert "现场检查记录" in text and "被检查对象意见" in text
    assert "食品贮存条件符合要求" in text and "《食品安全法》第三十三条" in text
    assert "☐符合" in text and "☐不符合" in text
    assert drawn_object.inspection_object.code in text and drawn_object.group_id in text


def test_a_filled_record_ticks_the_recorded_answer(drawn, tmp_path):
    from catalog.documents import onsite_record
    from platform_site.documents import write_pdf

    matter = drawn.task.matters.get()
    point = matter.check_points.get()
    record = onsite_record(
        matter,
        findings={
            "answers": {point.pk: {"answer": "不符合", "note": "冷库温度 9℃"}},
            "opinion": "责令改正",
            "object_opinion": "无异议",
        },
    )
    from django.template.loader import render_to_string

    html = render_to_string("catalog/pdf/onsite_record.html", {"parts": [record]})
    write_pdf(html, tmp_path / "filled.pdf")
    text = _compact(_text((tmp_path / "filled.pdf").read_bytes(), tmp_path, "x.pdf"))
    assert "☑不符合" in text and "☐符合" in text
    assert "冷库温度9℃" in text and "责令改正" in text and "无异议" in text


def test_forms_use_the_noto_cjk_fonts(drawn, tmp_path):
    drawn_object = drawn.drawn_objects.first()
    kind = get_kind("tasks.rectification_notice")
    path = tmp_path / "rect.pdf"
    path.write_bytes(render_bytes(kind, kind.load({"drawn_object": drawn_object.pk})))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    assert "Noto-Serif-CJK-SC" in fonts.stdout and "Noto-Sans-CJK-SC" in fonts.stdout
    assert "责令整改通知书" in _compact(_text(path.read_bytes(), tmp_path, "r.pdf"))


def test_all_notices_of_a_task_print_as_one_pdf_in_chunks_with_progress(
    drawn, staff_a, monkeypatch, tmp_path
):
    # given chunks of 4 notices (the real size is 50)
    kind = get_kind("tasks.inspection_notices")
    monkeypatch.setattr(type(kind), "chunk_size", 4)
    count = drawn.drawn_objects.count()
    assert count > 8
    params = {"task": drawn.task.pk}
    document = document_request(
        kind=kind, params=params, subject=kind.authorize(staff_a, params), requested_by=staff_a
    )
    assert document.progress_total == count
    chunks = []
    concatenate = documents._concatenate
    monkeypatch.setattr(
        documents,
        "_concatenate",
        lambda paths, target: (chunks.append(len(paths)), concatenate(paths, target)),
    )
    progress = []
    store = documents._store
    monkeypatch.setattr(
        documents,
        "_store",
        lambda document: (progress.append(document.progress_done), store(document)),
    )
    # when the job renders it
    document_render(kind_name=kind.name, params=params, fingerprint=document.fingerprint)
    document = document_get(document.id)
    # then one PDF with one notice per drawn object, numbered across the chunks, and the progress
    # went up chunk by chunk
    assert document.is_ready and document.progress_done == count
    assert document.page_count == count
    assert [done for done in progress if done in (4, 8)] == [4, 8]
    text = _text(document.path.read_bytes(), tmp_path)
    compact = _compact(text)
    assert compact.count("检查通知书") >= count
    for drawn_object in drawn.drawn_objects.select_related("inspection_object"):
        assert drawn_object.inspection_object.name in compact
    assert f"第{count}页" in compact and "第5页" in compact
    assert chunks == [-(-count // 4)]


def test_blank_matter_form_prints_the_matters_check_points(tmp_path):
    from tests.tasks.factories import make_matter

    matter = make_matter(name="特种设备使用单位检查")
    kind = get_kind("catalog.matter_form")
    text = _compact(_text(render_bytes(kind, kind.load({"matter": matter.pk})), tmp_path))
    assert "现场检查记录" in text and "特种设备使用单位检查：检查要点" in text


def test_the_filled_record_prints_an_entered_inspection(tmp_path):
    """The entry's plain data (as `tasks.inspections.printables.onsite_record` gives it) fills the
    same form: answers ticked, notes, opinions, commissioned checks, date."""
    from datetime import date

    from django.template.loader import render_to_string

    from catalog.documents import onsite_record_entered
    from platform_site.documents import write_pdf

    entry = {
        "task": {"code": "LJ-2026-0001", "title": "食品生产企业联合抽查"},
        "object": {"name": "临江市第一食品有限公司", "code": "913301000000000019", "address": "江南大道1号", "legal_representative": "张一"},
        "department": "临江市市场监督管理局",
        "matter": {"code": "SC-01", "name": "食品生产过程监督检查", "legal_basis": "《食品安全法》第一百一十条", "revision": 3},
        "methods": ["实地核查", "书面检查"],
        "inspected_on": date(2026, 12, 18),
        "check_points": [
            {"position": 1, "text": "冷库温度符合要求", "basis": "《食品安全法》第三十三条", "method": "实地核查", "allowed_answers": ["符合", "不符合", "不涉及"], "answer": "不符合", "note": "冷库温度 9℃"},
            {"position": 2, "text": "进货查验记录完整", "basis": "", "method": "书面检查", "allowed_answers": [], "answer": "符合", "note": ""},
        ],
        "findings": "现场检查冷库一处温度超标。",
        "opinion": "责令改正",
        "object_opinion": "无异议",
        "commissioned_checks": [
            {"kind": "抽样检验", "body": "临江市食品检验所", "subject": "速冻水饺", "commissioned_on": date(2026, 12, 18), "conclusion": "", "concluded_on": None}
        ],
        "members": [{"name": "王检", "certificate_number": "CERT-1", "is_leader": True, "department": "临江市市场监督管理局"}],
    }  # fmt: skip
    record = onsite_record_entered(entry, docno="临江市场监管检记〔2026〕LJ-2026-0001-001-SC-01号")
    html = render_to_string("catalog/pdf/onsite_record.html", {"parts": [record]})
    write_pdf(html, tmp_path / "filled.pdf")
    text = _compact(_text((tmp_path / "filled.pdf").read_bytes(), tmp_path, "f.pdf"))
    assert "☑不符合" in text and "☑符合" in text and "冷库温度9℃" in text
    assert "2026年12月18日" in text and "现场检查冷库一处温度超标" in text
    assert "临江市食品检验所" in text and "（待出具）" in text
    assert "王检" in text and "CERT-1" in text and "无异议" in text


def test_the_filled_rectification_notice_prints_the_measure(drawn, tmp_path):
    from datetime import date

    from django.template.loader import render_to_string

    from platform_site.documents import write_pdf
    from tasks.documents import rectification_entered, task_facts

    drawn_object = drawn.drawn_objects.select_related("inspection_object").first()
    facts = task_facts(drawn.task)
    measure = {
        "department": "甲部门（市场监管局）",
        "description": "冷库温度超过规定\n未按规定查验进货",
        "deadline_on": date(2027, 1, 15),
        "issued_on": date(2026, 12, 20),
        "inspected_on": date(2026, 12, 18),
    }
    part = rectification_entered(facts, drawn_object, 1, measure)
    html = render_to_string("tasks/pdf/rectification_notice.html", {"task": facts, "parts": [part]})
    write_pdf(html, tmp_path / "rect.pdf")
    text = _compact(_text((tmp_path / "rect.pdf").read_bytes(), tmp_path, "r.pdf"))
    assert "1.冷库温度超过规定" in text and "2.未按规定查验进货" in text
    assert "2027年1月15日" in text and "2026年12月18日" in text and "2026年12月20日" in text
