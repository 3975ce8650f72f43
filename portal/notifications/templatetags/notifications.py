from django import template

from portal.notifications.forms import SubscribeForm
from procedures.models import Procedure

register = template.Library()


@register.inclusion_tag("notifications/_subscribe.html", takes_context=True)
def subscribe_form(context, followed):
    """The "email me when this changes" form for a unit or procedure page."""
    key = "thu_tuc" if isinstance(followed, Procedure) else "don_vi"
    value = followed.slug if isinstance(followed, Procedure) else followed.code
    return {
        "form": SubscribeForm(initial={key: value}),
        "followed": followed,
        "is_procedure": isinstance(followed, Procedure),
        "csrf_token": context.get("csrf_token"),
    }
