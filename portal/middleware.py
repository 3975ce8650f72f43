"""Site-wide guards for input that no view should have to think about."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from portal.http import json_response


class RejectNulBytesMiddleware:
    """A NUL byte in the path or the query string is never meaningful, and PostgreSQL
    refuses it in any text parameter; answer 400 before a view passes it to a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in value for values in request.GET.lists() for value in values[1]
        ):
            message = _("Yêu cầu chứa ký tự không hợp lệ.")
            if request.path.startswith("/api/"):
                return json_response({"error": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Pages that show one person's data or forms: never kept by a browser or a shared cache.
PRIVATE_PREFIXES = ("/can-bo/", "/tai-khoan/", "/quan-tri/")
# The portal asks for the visitor's location (near me) and nothing else a browser guards.
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


# No inline or foreign script anywhere (the portal's own files only, htmx included); styles
# may be inline (htmx's indicator, the admin's per-page rules); the map's tiles come from
# OpenStreetMap.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https://tile.openstreetmap.org",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class PrivacyHeadersMiddleware:
    """`Cache-Control: no-store` on staff, account and admin pages; a Content-Security-Policy
    and a Permissions-Policy on every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, answer 503 with Retry-After and a Vietnamese
    page (JSON under /api/) instead of a 500; everything recovers when it returns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError):
            return self.unavailable(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(request)
        return None

    def unavailable(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            message = _("Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau.")
            response = json_response({"error": message}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        patch_cache_control(response, no_store=True)
        return response
