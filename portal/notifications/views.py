"""Subscribing without an account: ask, confirm from the email, leave with one click.

The links in emails carry a signed token; whoever holds one may act on that subscription,
which is why the unsubscribe and preferences pages accept a POST without a CSRF token (RFC
8058 one-click unsubscribe is a POST from the mail provider)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from portal.htmx import template_for
from portal.notifications import services
from portal.notifications.forms import PreferencesForm, SubscribeForm
from portal.notifications.models import SubscriptionStatus


def _address_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def rate_limited(request: HttpRequest, exception=None) -> HttpResponse:
    message = _("Bạn đã gửi nhiều yêu cầu quá. Hãy thử lại sau một giờ.")
    if request.htmx:
        # htmx swaps only 2xx answers: the message replaces the form where it was.
        form = SubscribeForm(request.POST)
        context = {"form": form, "message": message}
        return render(request, "notifications/_subscribe.html", context)
    return render(request, "notifications/message.html", {"message": message}, status=429)


@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.NOTIFY_RATE_PER_IP, block=False)
@ratelimit(key=_address_key, rate=lambda group, req: settings.NOTIFY_RATE_PER_ADDRESS, block=False)
def subscribe(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return rate_limited(request)
    form = SubscribeForm(request.POST)
    done = form.is_valid()
    if done:
        services.subscription_request(
            email=form.cleaned_data["email"],
            unit=form.cleaned_data["unit"],
            procedure=form.cleaned_data["procedure"],
        )
    # Errors too answer 200 (as the staff forms do): htmx swaps only 2xx answers.
    status = 200 if done or request.htmx else 400
    followed = _followed(form)
    is_procedure = bool(getattr(form, "cleaned_data", {}).get("procedure"))
    context = {"form": form, "done": done, "followed": followed, "is_procedure": is_procedure}
    template = template_for(request, "notifications/subscribe.html", "subscribe_form")
    return render(request, template, context, status=status)


def _followed(form: SubscribeForm):
    data = getattr(form, "cleaned_data", {})
    return data.get("unit") or data.get("procedure")


def _bad_link(request: HttpRequest) -> HttpResponse:
    message = _(
        "Đường dẫn này không dùng được: có thể đã hết hạn hoặc bị cắt mất một phần khi sao chép. "
        "Hãy đăng ký lại từ trang đơn vị hoặc thủ tục."
    )
    return render(request, "notifications/message.html", {"message": message}, status=404)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=lambda g, r: settings.NOTIFY_RATE_PER_IP, method="POST", block=False)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    if getattr(request, "limited", False):
        return rate_limited(request)
    try:
        subscription = services.subscription_from_confirm_token(token)
    except services.BadLink:
        return _bad_link(request)
    if request.method == "POST":
        subscription = services.subscription_confirm(subscription=subscription)
    context = {"subscription": subscription, "confirmed": _is_confirmed(subscription)}
    return render(request, "notifications/confirm.html", context)


def _is_confirmed(subscription) -> bool:
    return subscription.status == SubscriptionStatus.CONFIRMED


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = services.subscription_from_unsubscribe_token(token)
    except services.BadLink:
        return _bad_link(request)
    if request.method == "POST":
        subscription = services.subscription_end(subscription=subscription)
    context = {
        "subscription": subscription,
        "ended": subscription.status == SubscriptionStatus.ENDED,
        "preferences_url": services.emails.preferences_url(subscription.subscriber),
    }
    return render(request, "notifications/unsubscribe.html", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.subscriber_from_preferences_token(token)
    except services.BadLink:
        return _bad_link(request)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        services.subscriber_end_all(subscriber=subscriber)
        return HttpResponse(status=204)
    subscriptions = list(
        subscriber.subscriptions.filter(status=SubscriptionStatus.CONFIRMED).select_related(
            "unit", "procedure"
        )
    )
    initial = {"frequency": subscriber.frequency, "keep": [s.pk for s in subscriptions]}
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        subscriptions=subscriptions,
    )
    saved = False
    if form.is_bound and form.is_valid():
        services.subscriber_preferences_update(
            subscriber=subscriber,
            frequency=form.cleaned_data["frequency"],
            keep=set(form.cleaned_data["keep"]),
        )
        saved = True
    context = {"form": form, "saved": saved, "subscriber": subscriber}
    return render(request, "notifications/preferences.html", context)
