"""Search, enterprise pages, objections and corrections, the page cache and rate limits."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEvent, Notification
from publication.site.models import Objection, ObjectionStatus, PublicResult
from publication.site.services import objection_decide
from tasks.inspections.choices import ResultCategory
from tasks.inspections.services.results import (
    result_approve,
    result_compile,
    result_publish,
    result_submit,
)
from tests.tasks.inspections.builders import jpeg_bytes

pytestmark = pytest.mark.django_db


def _without_tokens(response) -> str:
    return re.sub(r'(X-CSRFToken": "|value=")[A-Za-z0-9]{64}"', "TOKEN", response.content.decode())


def _row(published_result) -> PublicResult:
    return PublicResult.objects.get(result=published_result, is_current=True)


def test_search_by_partial_chinese_name_and_by_credit_code(client, world, published_result):
    row = _row(published_result)
    part = row.enterprise_name[1:4]
    by_name = client.get(reverse("publication:search"), {"q": part})
    assert by_name.status_code == 200 and row.credit_code in by_name.content.decode()
    by_code = client.get(reverse("publication:search"), {"q": row.credit_code.lower()})
    assert row.enterprise_name in by_code.content.decode()
    nothing = client.get(reverse("publication:search"), {"q": "不存在的企业名称"})
    assert row.credit_code not in nothing.content.decode()
    short = client.get(reverse("publication:search"), {"q": "a"})
    assert short.status_code == 400


def test_search_only_finds_published_results(client, world, published_result):
    # the G001 inspection with records entered is not published: its enterprise is not found
    hidden = world.inspection.drawn_object.code
    response = client.get(reverse("publication:search"), {"q": hidden})
    assert hidden not in response.content.decode().split("search-results", 1)[1]
    assert client.get(reverse("publication:enterprise", args=[hidden])).status_code == 404


def test_enterprise_page_lists_the_published_inspection(client, world, published_result):
    row = _row(published_result)
    page = client.get(reverse("publication:enterprise", args=[row.credit_code]))
    text = page.content.decode()
    assert page.status_code == 200
    assert row.task_code in text and row.result_text in text


def _objection(client, result, code, **extra):
    data = {
        "credit_code": code,
        "contact_name": "王经理",
        "contact_phone": "0571-88886666",
        "reason": "检查当日本企业负责人在场，记录的备注与事实不符，请予更正。",
        **extra,
    }
    return client.post(reverse("publication:objection_create", args=[result.pk]), data)


def test_only_the_inspected_business_may_object(client, world, published_result):
    response = _objection(client, published_result, "91330100MA27XXXX0X")
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_objection_reaches_the_inbox_and_a_correction_keeps_the_original(
    client, world, published_result, django_capture_on_commit_callbacks
):
    row = _row(published_result)
    photo = SimpleUploadedFile("现场.jpg", jpeg_bytes(), content_type="image/jpeg")
    # when the business objects, with a photo
    response = _objection(client, published_result, row.credit_code, attachments=[photo])
    objection = Objection.objects.get()
    assert response.status_code == 302 and objection.reference in response["Location"]
    assert objection.attachments.count() == 1
    assert AuditEvent.objects.filter(action="objection.file").exists()
    # then the lead department's liaison/admins and the publisher are notified
    notice = Notification.objects.get(kind="objection", recipient=published_result.published_by)
    assert notice.url == reverse("publication:objection_detail", args=[objection.pk])
    # and the other department cannot open it
    client.force_login(world.users["staff_b"])
    detail = reverse("publication:objection_detail", args=[objection.pk])
    assert client.get(detail).status_code == 404
    # when the lead department upholds it and the corrected version is published
    staff_a = world.users["staff_a"]
    objection_decide(objection=objection, decided_by=staff_a, upheld=True, decision="备注有误")
    published_result.refresh_from_db()
    assert published_result.version == 2
    leader = world.users["leader"]
    result = result_compile(
        result=published_result,
        compiled_by=leader,
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=published_result.completed_on,
        remarks="更正后的备注",
    )
    result = result_submit(result=result, submitted_by=leader)
    result = result_approve(result=result, approved_by=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        result_publish(result=result, published_by=staff_a)
    # then the page shows the correction, and the original version stays visible
    client.logout()
    page = client.get(reverse("publication:result_detail", args=[result.pk])).content.decode()
    assert "更正后的备注" in page and 'data-testid="result-corrected"' in page
    assert 'data-testid="result-history"' in page
    assert PublicResult.objects.filter(result=result).count() == 2
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.CORRECTED and objection.corrected_version == 2
    status = client.get(reverse("publication:objection_status", args=[objection.reference]))
    assert "0571-88886666" not in status.content.decode()


def test_cached_pages_are_invalidated_on_publication(
    client, world, published_result, django_capture_on_commit_callbacks
):
    url = reverse("publication:result_list")
    first = client.get(url)
    second = client.get(url)
    assert second["X-Public-Cache"] == "hit"
    assert _without_tokens(second) == _without_tokens(first)
    # when a result is corrected and published again
    staff_a = world.users["staff_a"]
    from tasks.inspections.services.results import result_correct

    result = result_correct(result=published_result, corrected_by=staff_a, reason="更正备注")
    result = result_compile(
        result=result,
        compiled_by=world.users["leader"],
        categories=[ResultCategory.NO_PROBLEM],
        completed_on=published_result.completed_on,
        remarks="缓存失效检查",
    )
    result = result_submit(result=result, submitted_by=world.users["leader"])
    result = result_approve(result=result, approved_by=staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        result_publish(result=result, published_by=staff_a)
    third = client.get(url)
    assert not third.has_header("X-Public-Cache")
    assert "缓存失效检查" in third.content.decode()


def test_cached_pages_carry_each_visitors_own_csrf_token(client, world):
    url = reverse("publication:result_list")
    client.get(url)
    other = type(client)()
    hit = other.get(url)
    assert hit["X-Public-Cache"] == "hit"
    assert "@@public-csrf-token@@" not in hit.content.decode()
    assert "csrftoken" in hit.cookies


@override_settings(PUBLIC_RATES={"search": "3/minute", "objection": "2/hour"})
def test_search_and_objections_are_rate_limited(client, world, published_result):
    url = reverse("publication:search")
    codes = [client.get(url, {"q": f"企业{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    row = _row(published_result)
    answers = [_objection(client, published_result, row.credit_code).status_code for _ in range(3)]
    assert answers[-1] == 429 and Objection.objects.count() == 2
