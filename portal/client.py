"""Who the client is: the one address every rate limit and audit log keys on.

Behind a reverse proxy the peer is the proxy; the client's address is then in
X-Forwarded-For, which anyone can also send. So the header is read only when the peer is a
proxy this deployment trusts (TRUSTED_PROXIES: addresses or networks, and `unix` for a
proxy on the same machine talking over a unix socket), and from it the right-most address
that is not one of those proxies is the client. Otherwise the peer itself is the client; a
unix-socket peer that is not trusted counts as one local client. Parsing and network
membership are the standard library's `ipaddress`: django-ipware's trusted-proxy option
matches proxies inside the header chain rather than the peer, which is not this rule.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

LOCAL_CLIENT = "127.0.0.1"
UNIX_SOCKET = "unix"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[tuple[Network, ...], bool]:
    """The TRUSTED_PROXIES setting parsed once: (networks, whether a unix-socket peer is
    trusted). A malformed entry stops the start rather than trusting nothing silently."""
    networks, unix = [], False
    for entry in entries:
        if entry == UNIX_SOCKET:
            unix = True
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an address") from error
    return tuple(networks), unix


def _parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    networks, unix_trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    peer_text = request.META.get("REMOTE_ADDR") or ""
    peer = _parse(peer_text)
    if peer is None:  # a unix socket (no address), or something that is not an address
        if peer_text or not unix_trusted:
            return LOCAL_CLIENT
    elif not any(peer in network for network in networks):
        return str(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")[:2000]
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:
            break  # a malformed hop: nothing further left of it can be trusted
        if not any(address in network for network in networks):
            return str(address)
    return str(peer) if peer else LOCAL_CLIENT
