"""The emails residents and staff get: Vietnamese, plain text and HTML, from templates.

Vietnamese even when the request that caused one was an English page's (a subscription
made at /en/… whose confirmation task runs eagerly): the follow-up emails, the pages
their links open and the staff who answer are Vietnamese.

Every email to a subscriber carries a one-click unsubscribe link and the List-Unsubscribe /
List-Unsubscribe-Post headers of RFC 8058, and a link to the preferences page.
"""

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from portal.i18n import in_site_language

CONFIRM_SALT = "notifications.confirm"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
PREFERENCES_SALT = "notifications.preferences"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def confirm_url(subscription) -> str:
    token = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
    return absolute(reverse("notifications:confirm", kwargs={"token": token}))


def unsubscribe_url(subscription) -> str:
    token = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": token}))


def preferences_url(subscriber) -> str:
    token = signing.dumps(subscriber.pk, salt=PREFERENCES_SALT)
    return absolute(reverse("notifications:preferences", kwargs={"token": token}))


def _render(template: str, context: dict) -> tuple[str, str, str]:
    """Subject (on one line), plain text and HTML of one of the email templates."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
    return (
        " ".join(subject.split()),
        render_to_string(f"notifications/email/{template}.txt", context),
        render_to_string(f"notifications/email/{template}.html", context),
    )


def _assemble(
    *, to: list[str], parts: tuple[str, str, str], message_id: str, unsubscribe: str | None
) -> EmailMultiAlternatives:
    subject, text, html = parts
    headers = {"Message-ID": message_id}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def _message(
    *, to: list[str], template: str, context: dict, message_id: str, unsubscribe: str | None = None
) -> EmailMultiAlternatives:
    parts = _render(template, {**context, "unsubscribe_url": unsubscribe})
    return _assemble(to=to, parts=parts, message_id=message_id, unsubscribe=unsubscribe)


@in_site_language
def confirmation_message(subscription) -> EmailMultiAlternatives:
    return _message(
        to=[subscription.subscriber.email],
        template="confirm",
        context={
            "followed": subscription.followed,
            "confirm_url": confirm_url(subscription),
            "days": settings.NOTIFY_CONFIRM_DAYS,
        },
        message_id=make_msgid("confirm", domain=mail_domain()),
    )


@in_site_language
def delivery_message(delivery) -> EmailMultiAlternatives:
    """The email of one delivery; its Message-ID names the delivery, so a retry writes the
    same message. The body is rendered once per event and followed unit or procedure, then
    given each subscriber's own links (a mail merge: rendering per subscriber was most of
    the time a fan-out took)."""
    subscription = delivery.subscription
    subject, text, html = _event_body(delivery.event, subscription.followed)
    links = {
        _UNSUBSCRIBE: unsubscribe_url(subscription),
        _PREFERENCES: preferences_url(subscription.subscriber),
    }
    for placeholder, url in links.items():
        text, html = text.replace(placeholder, url), html.replace(placeholder, url)
    return _assemble(
        to=[subscription.subscriber.email],
        parts=(subject, text, html),
        message_id=f"<delivery-{delivery.pk}@{mail_domain()}>",
        unsubscribe=links[_UNSUBSCRIBE],
    )


_UNSUBSCRIBE, _PREFERENCES = "@@unsubscribe-url@@", "@@preferences-url@@"
_bodies: dict[tuple, tuple[str, str, str]] = {}


def _event_body(event, followed) -> tuple[str, str, str]:
    # created_at as well: a rolled-back test or a restored database may reuse an id.
    key = (event.pk, event.created_at, type(followed).__name__, followed.pk)
    if key not in _bodies:
        if len(_bodies) > 64:
            _bodies.clear()
        context = {
            "event": event,
            "event_url": absolute(event.path),
            "followed": followed,
            "unsubscribe_url": _UNSUBSCRIBE,
            "preferences_url": _PREFERENCES,
        }
        _bodies[key] = _render("event", context)
    return _bodies[key]


@in_site_language
def digest_message(subscriber, week_start, items: list) -> EmailMultiAlternatives:
    """`items`: (subscription, [events]) for each followed unit or procedure that changed."""
    first = items[0][0]
    return _message(
        to=[subscriber.email],
        template="digest",
        context={
            "week_start": week_start,
            "items": [
                {
                    "followed": subscription.followed,
                    "unsubscribe_url": unsubscribe_url(subscription),
                    "events": [{"event": e, "url": absolute(e.path)} for e in events],
                }
                for subscription, events in items
            ],
            "preferences_url": preferences_url(subscriber),
        },
        message_id=f"<digest-{subscriber.pk}-{week_start:%Y%m%d}@{mail_domain()}>",
        unsubscribe=unsubscribe_url(first) if len(items) == 1 else preferences_url(subscriber),
    )


@in_site_language
def staff_reminder_message(*, to: list[str], point, reasons: list[str], edit_url: str):
    return _message(
        to=to,
        template="staff_reminder",
        context={"point": point, "reasons": reasons, "edit_url": absolute(edit_url)},
        message_id=make_msgid("reminder", domain=mail_domain()),
    )
