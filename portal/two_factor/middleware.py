from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from portal.two_factor.selectors import totp_device_confirmed, two_factor_required


class TwoFactorRequiredMiddleware:
    """Every admin page (/quan-tri/, custom admin views and catalogue editing included),
    every staff page (/can-bo/) and the password change ask a signed-in account that has
    not entered a code in this session for one: at the code step when the account has
    two-factor sign-in on, at its setup page when the account must have it
    (OTP_REQUIRED_FOR_ADMINS) and has not. Kept in one place rather than on each view, so
    a page added later cannot miss it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._guarded: tuple[str, ...] | None = None
        self._open: frozenset[str] = frozenset()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._guarded is None:
            # The URLconf is read on the first request, not when the middleware is built.
            self._guarded = (
                reverse("admin:index"),
                reverse("staff:dashboard"),
                reverse("password_change"),
            )
            self._open = frozenset({reverse("admin:logout")})
        if request.path.startswith(self._guarded) and request.path not in self._open:
            detour = self._detour(request)
            if detour is not None:
                return detour
        return self.get_response(request)

    def _detour(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if totp_device_confirmed(user=user) is not None:
            target = reverse("two_factor:login_code")
        elif two_factor_required(user=user):
            target = reverse("two_factor:manage")
        else:
            return None
        url = f"{target}?{urlencode({'next': request.get_full_path()})}"
        # An htmx request would swap the page it is sent to into a fragment of this one.
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
