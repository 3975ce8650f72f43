import pytest
from django.urls import reverse

PAGES = [
    "admin:notifications_subscriber_changelist",
    "admin:notifications_event_changelist",
    "admin:notifications_delivery_changelist",
    "admin:procedures_onlinelinkcheck_changelist",
    "admin:django_celery_beat_periodictask_changelist",
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_admins_see_subscriptions_events_deliveries_links_and_schedules(
    admin_client, follower, point, page
):
    from tests.notifications.test_outbox import _edit_phone

    _edit_phone(point, "024 3833 1234")
    response = admin_client.get(reverse(page))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_outbox_cannot_be_edited_in_the_admin(admin_client, follower, point):
    from portal.notifications.models import Event
    from tests.notifications.test_outbox import _edit_phone

    _edit_phone(point, "024 3833 1234")
    event = Event.objects.get()
    url = reverse("admin:notifications_event_change", args=[event.pk])
    assert admin_client.post(url, {"title": "khác"}).status_code == 403
