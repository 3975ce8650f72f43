"""Fetching a URL someone typed, without letting it reach the machine's own network.

An editor's link is checked from the server; left alone, `http://127.0.0.1:6379/` or a
cloud metadata address would be fetched too (blind SSRF). Only http(s) URLs whose host
resolves to public addresses are fetched, and every redirect is checked the same way.
"""

import ipaddress
import socket
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings


class RefusedURL(ValueError):
    """The URL is not http(s), or its host is (or resolves to) a non-public address."""


def check_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL("không phải địa chỉ http(s)")
    if getattr(settings, "LINK_CHECK_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise RefusedURL(f"không tìm thấy máy chủ ({error.__class__.__name__})") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise RefusedURL("địa chỉ nội bộ hoặc dành riêng, không kiểm tra")


class _CheckedRedirects(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def open_public(request: Request, *, timeout: float):
    check_public(request.full_url)
    return build_opener(_CheckedRedirects).open(request, timeout=timeout)
