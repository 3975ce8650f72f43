"""The client address every limit keys on, behind a trusted proxy only."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from portal.client import client_ip, trusted_networks


def request(peer: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "peer", "forwarded", "client"),
    [
        ([], "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # nobody trusted: the header is ignored
        (["10.0.0.0/8"], "198.51.100.9", "1.2.3.4", "198.51.100.9"),  # peer not a proxy
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.0/8"], "10.0.0.2", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # forged left part
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, 10.0.0.5", "1.2.3.4"),  # two proxies
        (["10.0.0.0/8"], "10.0.0.2", "", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "not-an-ip", "10.0.0.2"),
        (["10.0.0.0/8"], "10.0.0.2", "1.2.3.4, garbage", "10.0.0.2"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        ([], "", "1.2.3.4", "127.0.0.1"),  # an untrusted unix socket: one local client
        (["unix"], "", "1.2.3.4", "1.2.3.4"),  # nginx on the same machine, over a socket
        ([], "garbage", None, "127.0.0.1"),
    ],
)
def test_the_client_is_the_right_most_address_not_a_trusted_proxy(
    settings, proxies, peer, forwarded, client
):
    settings.TRUSTED_PROXIES = proxies
    assert client_ip(request(peer, forwarded)) == client


def test_a_malformed_trusted_proxy_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        trusted_networks(("10.0.0.0/8", "proxy.local"))


@pytest.mark.django_db
def test_behind_a_proxy_each_resident_has_their_own_limit(client, settings, cau_giay):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.REPORT_RATE_PER_IP = "1/h"
    data = {"don_vi": "00166", "what_is_wrong": "Địa chỉ điểm phục vụ bị sai."}

    def report(resident: str) -> int:
        return client.post(
            "/bao-sai/", data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=resident
        ).status_code

    assert report("1.1.1.1") == 200
    assert report("1.1.1.1") == 429  # the same resident again
    assert report("2.2.2.2") == 200  # another resident through the same proxy


@pytest.mark.django_db
def test_a_unix_socket_peer_is_never_a_500(client, cau_giay):
    data = {"don_vi": "00166", "what_is_wrong": "Địa chỉ điểm phục vụ bị sai."}
    assert client.post("/bao-sai/", data, REMOTE_ADDR="").status_code in (200, 429)
    assert client.post(
        "/thong-bao/dang-ky/", {"email": "a@b.vn", "don_vi": "00166"}, REMOTE_ADDR=""
    ).status_code in (200, 400, 429)


@pytest.mark.django_db
def test_with_redis_down_limits_let_requests_through_instead_of_a_500(client, settings, cau_giay):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "portal.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    data = {"don_vi": "00166", "what_is_wrong": "Địa chỉ điểm phục vụ bị sai."}
    response = client.post("/bao-sai/", data)
    assert response.status_code == 200 and "Cảm ơn bạn" in response.content.decode()
    subscribe = client.post("/thong-bao/dang-ky/", {"email": "a@b.vn", "don_vi": "00166"})
    assert subscribe.status_code == 200
