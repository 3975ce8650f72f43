import pytest

from portal.notifications.models import Subscriber, Subscription, SubscriptionStatus


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The subscription limits count in the cache; each test starts with none used."""
    from django.core.cache import caches

    caches["ratelimit"].clear()


@pytest.fixture
def point(cau_giay):
    return cau_giay.service_points.order_by("pk").first()


@pytest.fixture
def follower(cau_giay):
    """A confirmed subscriber to Cầu Giấy's changes."""
    subscriber = Subscriber.objects.create(email="nguoidan@example.com")
    return Subscription.objects.create(
        subscriber=subscriber, unit=cau_giay, status=SubscriptionStatus.CONFIRMED
    )
