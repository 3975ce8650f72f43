from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_ratelimit.decorators import ratelimit

from portal.health import broker_status, pages_status
from wards import selectors
from wards.models import DataSource, Province
from wards.views import render_unit_list


@require_safe
@vary_on_headers("HX-Request", "HX-Boosted")
def home(request: HttpRequest) -> HttpResponse:
    try:
        province = selectors.province_default()
    except Province.DoesNotExist:
        return render(request, "portal/no_data.html", status=503)
    return render_unit_list(request, "portal/home.html", province)


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/about.html", {"sources": DataSource.objects.all()})


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except DatabaseError as error:
        database = f"error: {error.__class__.__name__}"
    body = {"database": database, "pages": pages_status(), "broker": broker_status()}
    ready = database == "ok" and body["pages"] == "ok"
    return JsonResponse(body, status=200 if ready else 503)


@require_safe
def bench_ceiling(request: HttpRequest) -> JsonResponse:
    """The least a Django view can do, for benchmarks to compare real endpoints with."""
    return JsonResponse({"ok": True})


def _reset_address(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()[:254]


@method_decorator(
    ratelimit(key="ip", rate=lambda g, r: settings.RESET_RATE_PER_IP, method="POST", block=False),
    name="post",
)
@method_decorator(
    ratelimit(key=_reset_address, rate=lambda g, r: settings.RESET_RATE_PER_ADDRESS, block=False),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at SITE_URL, the address the portal is served at, never at
    whatever Host header the request carried. Requests are limited per client and per
    address, so the form cannot be used to flood an inbox."""

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            message = _("Bạn đã yêu cầu đặt lại mật khẩu nhiều lần. Hãy thử lại sau một giờ.")
            return render(request, "notifications/message.html", {"message": message}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)
