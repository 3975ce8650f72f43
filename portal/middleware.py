"""Site-wide guards for input that no view should have to think about."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


class LanguageFromPathMiddleware:
    """The language of a page is the one its URL names: English under /en/, Vietnamese
    everywhere else. Unlike Django's LocaleMiddleware, neither Accept-Language nor a cookie
    is read, so a Vietnamese link opens a Vietnamese page for everyone, a page needs no
    `Vary: Accept-Language`, and every visitor gets the same cached copy of a URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # For this request only: whatever the thread does next starts from Vietnamese again.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# Where the form of an address that only takes a posted form lives, by the address's URL
# namespace or name; anything else leads home.
FORM_PAGES = {
    "notifications": ("home", gettext_lazy("Chọn phường, xã của bạn, rồi đăng ký ở cuối trang")),
    "staff": ("staff:dashboard", gettext_lazy("Về trang cán bộ")),
    "reports_staff": ("reports_staff:queue", gettext_lazy("Về danh sách báo sai")),
    "two_factor": ("two_factor:manage", gettext_lazy("Về trang xác thực hai bước")),
    "logout": ("home", gettext_lazy("Về trang chủ")),
}


class MethodNotAllowedPageMiddleware:
    """Django answers a GET to a POST-only address (`require_POST`, LogoutView) with an empty
    405, a blank page. Answer it with a Vietnamese page that says why and links to the form;
    the status and its Allow header stay. The API (/api/) answers its own errors in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not isinstance(response, HttpResponseNotAllowed)
            or response.content
            or request.path.startswith("/api/")
        ):
            return response
        url_name, link_text = self.form_page(request)
        context = {"form_url": reverse(url_name), "link_text": link_text}
        page = render(request, "405.html", context, status=405)
        page["Allow"] = response["Allow"]
        return page

    @staticmethod
    def form_page(request: HttpRequest) -> tuple[str, str]:
        match = request.resolver_match
        for key in (match.view_name, match.namespace) if match else ():
            if key in FORM_PAGES:
                return FORM_PAGES[key]
        return "home", _("Về trang chủ")
