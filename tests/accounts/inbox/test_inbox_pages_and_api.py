"""The inbox page, the unread count in the header and the API: a user sees and reads only their
own notices (the same 404 for another's as for a missing one)."""

import pytest

from accounts.choices import NotificationSeverity
from accounts.inbox.services import notification_send
from accounts.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(liaison_a, staff_a):
    own = notification_send(
        kind="test.page",
        title="请会审任务",
        body="第一行\n第二行",
        url="/tasks/",
        severity=NotificationSeverity.YELLOW,
        users=[liaison_a],
    )[0]
    overdue = notification_send(
        kind="test.page", title="结果录入已逾期", severity="red", users=[liaison_a]
    )[0]
    other = notification_send(kind="test.page", title="别人的通知", users=[staff_a])[0]
    return {"own": own, "overdue": overdue, "other": other}


def test_the_page_lists_own_notices_as_cards_with_the_unread_count_in_the_header(
    client_for, liaison_a, notices
):
    response = client_for(liaison_a).get("/inbox/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "请会审任务" in html and "结果录入已逾期" in html and "别人的通知" not in html
    assert 'data-testid="inbox-unread">2<' in html
    assert 'data-severity="red"' in html and 'data-severity="yellow"' in html
    red_only = client_for(liaison_a).get("/inbox/?severity=red").content.decode()
    assert "结果录入已逾期" in red_only and "请会审任务" not in red_only


def test_reading_follows_the_link_and_lowers_the_count(client_for, liaison_a, notices):
    client = client_for(liaison_a)
    response = client.post(f"/inbox/{notices['own'].pk}/read/", {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    html = client.get("/tasks/").content.decode()
    assert 'data-testid="inbox-unread">1<' in html
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=liaison_a, read_at__isnull=True).exists()
    assert 'data-testid="inbox-unread"' not in client.get("/inbox/").content.decode()


def test_another_users_notice_is_404_on_the_page_and_the_api(
    client_for, api_client_for, staff_a, notices
):
    own = notices["own"]
    assert client_for(staff_a).post(f"/inbox/{own.pk}/read/").status_code == 404
    assert api_client_for(staff_a).post(f"/api/v1/inbox/{own.pk}/read/").status_code == 404
    assert api_client_for(staff_a).post("/api/v1/inbox/999999/read/").status_code == 404
    own.refresh_from_db()
    assert own.read_at is None


def test_anonymous_is_sent_to_login_or_refused(client_for, api_client_for, notices):
    assert client_for(None).get("/inbox/").status_code == 302
    assert api_client_for(None).get("/api/v1/inbox/").status_code == 403
    assert api_client_for(None).post(f"/api/v1/inbox/{notices['own'].pk}/read/").status_code == 403


def test_api_lists_only_own_notices_filters_and_marks_read(
    api_client_for, liaison_a, notices, django_assert_max_num_queries
):
    client = api_client_for(liaison_a)
    with django_assert_max_num_queries(4):
        listing = client.get("/api/v1/inbox/").json()
    assert {row["title"] for row in listing["results"]} == {"请会审任务", "结果录入已逾期"}
    assert client.get("/api/v1/inbox/?severity=red").json()["count"] == 1
    assert client.get("/api/v1/inbox/?severity=purple").status_code == 400
    assert client.get("/api/v1/inbox/unread-count/").json() == {"unread": 2}
    read = client.post(f"/api/v1/inbox/{notices['own'].pk}/read/").json()
    assert read["is_read"] is True and read["severity"] == "yellow"
    assert client.get("/api/v1/inbox/?unread=1").json()["count"] == 1
    assert client.post("/api/v1/inbox/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/inbox/unread-count/").json() == {"unread": 0}
