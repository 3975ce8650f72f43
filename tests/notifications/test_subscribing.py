"""Residents subscribe without an account: double opt-in, one-click unsubscribe, limits."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from portal.notifications import emails
from portal.notifications.models import Subscription, SubscriptionStatus
from portal.notifications.services import subscriptions_expire

HTMX = {"HTTP_HX_REQUEST": "true"}


def _subscribe(client, unit, email="nguoidan@example.com", **extra):
    data = {"email": email, "don_vi": unit.code}
    return client.post(reverse("notifications:subscribe"), data, **extra)


def _without_tokens(response) -> str:
    return re.sub(r'(X-CSRFToken": "|value=")[^"]+', "", response.content.decode())


def _link(message, name: str) -> str:
    return re.search(rf"http://localhost:8000(/thong-bao/{name}/[^\s\"<]+)", message.body).group(1)


@pytest.mark.django_db
def test_the_unit_and_procedure_pages_offer_the_form(client, cau_giay):
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert 'name="email"' in page and f'value="{cau_giay.code}"' in page
    page = client.get(reverse("procedures:detail", args=["dang-ky-khai-sinh"])).content.decode()
    assert 'name="thu_tuc"' in page and 'value="dang-ky-khai-sinh"' in page


@pytest.mark.django_db
def test_nothing_is_sent_before_confirmation(
    client, cau_giay, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, cau_giay)
    assert response.status_code == 200
    assert "Hãy kiểm tra hộp thư" in response.content.decode()
    [message] = mailoutbox
    assert message.to == ["nguoidan@example.com"]
    assert "Xác nhận" in message.subject and cau_giay.full_name in message.body
    subscription = Subscription.objects.get(subscriber__email="nguoidan@example.com")
    assert subscription.status == SubscriptionStatus.PENDING

    confirm = _link(message, "xac-nhan")
    assert client.get(confirm).status_code == 200  # a link preview confirms nothing
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING
    page = client.post(confirm).content.decode()
    assert "Đã xác nhận" in page
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CONFIRMED


@pytest.mark.django_db
def test_the_answer_never_tells_whether_an_address_is_known(
    client, cau_giay, follower, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _subscribe(client, cau_giay, email=follower.subscriber.email.upper())
        unknown = _subscribe(client, cau_giay, email="moi@example.com")
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known) == _without_tokens(unknown)
    follower.refresh_from_db()
    assert follower.status == SubscriptionStatus.CONFIRMED
    assert [m.to for m in mailoutbox] == [["moi@example.com"]]


@pytest.mark.django_db
def test_a_bad_address_is_shown_again_with_the_error(client, cau_giay):
    response = _subscribe(client, cau_giay, email="khong-phai-thu", **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert _subscribe(client, cau_giay, email="khong-phai-thu").status_code == 400
    html = response.content.decode()
    assert 'value="khong-phai-thu"' in html and "chưa đúng" in html
    assert "<html" not in html and Subscription.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_unit_or_missing_target_is_a_clear_error(client):
    url = reverse("notifications:subscribe")
    assert client.get(url).status_code == 405  # only the form posts here
    for data in ({"email": "a@example.com", "don_vi": "99999"}, {"email": "a@example.com"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Không rõ bạn muốn theo dõi" in response.content.decode()


@pytest.mark.django_db
def test_requests_are_limited_per_address_and_per_client(client, cau_giay, settings):
    settings.NOTIFY_RATE_PER_ADDRESS = "2/h"
    settings.NOTIFY_RATE_PER_IP = "4/h"
    codes = [_subscribe(client, cau_giay).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    codes = [_subscribe(client, cau_giay, email=f"a{i}@example.com").status_code for i in range(3)]
    assert codes == [200, 429, 429]  # two more from this client, then its limit of four
    over_htmx = _subscribe(client, cau_giay, email="b@example.com", **HTMX)
    assert over_htmx.status_code == 200 and "nhiều yêu cầu quá" in over_htmx.content.decode()


@pytest.mark.django_db
def test_confirmation_links_expire_and_forgeries_are_refused(client, cau_giay, settings):
    subscription = Subscription.objects.create(
        subscriber=_subscriber("a@example.com"), unit=cau_giay
    )
    stale = signing.dumps(subscription.pk, salt=emails.CONFIRM_SALT)
    settings.NOTIFY_CONFIRM_DAYS = -1
    assert client.get(reverse("notifications:confirm", args=[stale])).status_code == 404
    forged = signing.dumps(subscription.pk, salt="other")
    settings.NOTIFY_CONFIRM_DAYS = 3
    response = client.post(reverse("notifications:confirm", args=[forged]))
    assert response.status_code == 404 and "không dùng được" in response.content.decode()
    assert client.get(reverse("notifications:unsubscribe", args=["rac"])).status_code == 404
    assert client.post(reverse("notifications:preferences", args=["rac:1"])).status_code == 404


def _subscriber(email):
    from portal.notifications.models import Subscriber

    return Subscriber.objects.create(email=email)


@pytest.mark.django_db
def test_unconfirmed_subscriptions_expire(cau_giay):
    from datetime import timedelta

    from django.utils import timezone

    old = Subscription.objects.create(subscriber=_subscriber("cu@example.com"), unit=cau_giay)
    Subscription.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    Subscription.objects.create(subscriber=_subscriber("moi@example.com"), unit=cau_giay)
    assert subscriptions_expire() == 1
    assert list(Subscription.objects.values_list("subscriber__email", flat=True)) == [
        "moi@example.com"
    ]


@pytest.mark.django_db
def test_one_click_unsubscribe_is_a_post_without_a_form(client, follower):
    url = emails.unsubscribe_url(follower).removeprefix("http://localhost:8000")
    client.get(url)
    follower.refresh_from_db()
    assert follower.status == SubscriptionStatus.CONFIRMED  # opening the page is not leaving
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    follower.refresh_from_db()
    assert follower.status == SubscriptionStatus.ENDED


@pytest.mark.django_db
def test_preferences_change_frequency_and_what_is_followed(client, follower, ba_dinh):
    other = Subscription.objects.create(
        subscriber=follower.subscriber, unit=ba_dinh, status=SubscriptionStatus.CONFIRMED
    )
    url = emails.preferences_url(follower.subscriber).removeprefix("http://localhost:8000")
    page = client.get(url).content.decode()
    assert str(follower.unit) in page and str(ba_dinh) in page
    response = client.post(url, {"frequency": "hang_tuan", "keep": [other.pk]})
    assert "Đã lưu" in response.content.decode()
    follower.refresh_from_db(), other.refresh_from_db(), follower.subscriber.refresh_from_db()
    assert follower.status == SubscriptionStatus.ENDED
    assert other.status == SubscriptionStatus.CONFIRMED
    assert follower.subscriber.frequency == "hang_tuan"
    bad = client.post(url, {"frequency": "moi-phut", "keep": ["x"]})
    assert bad.status_code == 200 and "error" in bad.content.decode()


@pytest.mark.django_db
def test_the_mail_provider_one_click_on_the_preferences_link_ends_everything(client, follower):
    url = emails.preferences_url(follower.subscriber).removeprefix("http://localhost:8000")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 204
    follower.refresh_from_db()
    assert follower.status == SubscriptionStatus.ENDED


@pytest.mark.django_db
def test_confirmation_attempts_are_limited_per_client(client, settings):
    settings.NOTIFY_RATE_PER_IP = "2/h"
    url = reverse("notifications:confirm", args=["khong-phai-token"])
    assert [client.post(url).status_code for _ in range(2)] == [404, 404]
    limited = client.post(url)
    assert limited.status_code == 429 and "thử lại sau một giờ" in limited.content.decode()
