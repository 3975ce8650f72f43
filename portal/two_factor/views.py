"""The second step of sign-in and the page where staff turn two-factor sign-in on and off."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.two_factor.forms import CodeForm
from portal.two_factor.pending import (
    pending_login_clear,
    pending_login_get,
    pending_login_start,
)
from portal.two_factor.selectors import totp_device_confirmed, two_factor_required
from portal.two_factor.services import (
    totp_code_check,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)


class LoginView(auth_views.LoginView):
    """The password step. An account with two-factor sign-in on is not logged in here: the
    code step (`login_code`) does that once the code is right."""

    def form_valid(self, form):
        user = form.get_user()
        if totp_device_confirmed(user=user) is None:
            return super().form_valid(form)
        pending_login_start(self.request, user=user, redirect_to=self.get_success_url())
        return redirect("two_factor:login_code")


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (nobody logged in yet), or for a session that
    signed in before the account turned two-factor on."""
    pending = pending_login_get(request)
    if pending is not None:
        user, redirect_to = pending.user, pending.redirect_to
    elif request.user.is_authenticated:
        user, redirect_to = request.user, _safe_next(request)
        if user.is_verified():
            return redirect(redirect_to)
    else:
        messages.info(request, _("Hãy nhập lại tên đăng nhập và mật khẩu."))
        return redirect("login")

    device = totp_device_confirmed(user=user)
    if device is None:  # turned off meanwhile (an admin removed the device)
        pending_login_clear(request)
        return redirect(redirect_to if pending is None else "login")
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        check=lambda code: totp_code_check(device=device, code=code),
    )
    if form.is_valid():
        if pending is not None:
            pending_login_clear(request)
            auth_login(request, user, backend=pending.backend)
        else:
            request.session.cycle_key()
        otp_login(request, form.result.device)
        return redirect(redirect_to)
    context = {"form": form, "next": "" if pending else redirect_to}
    return render(request, "two_factor/login_code.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on: scan the secret, then prove it with a first code."""
    user = request.user
    required = two_factor_required(user=user)
    device = totp_device_confirmed(user=user)
    if device is not None:
        form = CodeForm(check=lambda code: totp_code_check(device=device, code=code))
        return _render_on(request, form, required)

    waiting = totp_device_start(user=user)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        check=lambda code: totp_device_confirm(user=user, code=code),
    )
    if form.is_valid():
        request.session.cycle_key()
        otp_login(request, form.result.device)
        messages.success(request, _("Đã bật xác thực hai bước."))
        return redirect(_safe_next(request, default="two_factor:manage"))
    context = {
        "form": form,
        "required": required,
        "next": _safe_next(request, default=""),
        **_secret_display(waiting),
    }
    return render(request, "two_factor/setup.html", context)


@sensitive_post_parameters("code")
@require_POST
@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, for a current code only."""
    user = request.user
    device = totp_device_confirmed(user=user)
    if device is None:
        return redirect("two_factor:manage")
    form = CodeForm(
        request.POST, check=lambda code: totp_device_remove(user=user, device=device, code=code)
    )
    if form.is_valid():
        messages.success(request, _("Đã tắt xác thực hai bước."))
        return redirect("two_factor:manage")
    return _render_on(request, form, two_factor_required(user=user))


def _render_on(request: HttpRequest, form: CodeForm, required: bool) -> HttpResponse:
    return render(request, "two_factor/on.html", {"form": form, "required": required})


def _secret_display(device: TOTPDevice) -> dict:
    """The secret as a QR code (inline SVG, drawn here) and as text to type, in groups of
    four letters as authenticator apps accept it."""
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, micro=False)
    svg = qr.svg_inline(scale=4, dark="#000", light="#fff", title=_("Mã QR để quét"))
    return {
        "qr_svg": mark_safe(svg),  # segno's own markup; the text in it is escaped
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


def _safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The page asked for in `next` when it is on this site, else `default` (the staff
    dashboard unless told)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if default is None:
        default = settings.LOGIN_REDIRECT_URL
    return resolve_url(default) if default else ""
