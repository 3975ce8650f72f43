from django import template

from portal.i18n import language_versions, path_in_current_language

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_languages(context) -> list:
    """`{% page_in_languages as versions %}`: this page in each language (empty when it has
    only one)."""
    request = context.get("request")
    return language_versions(request) if request is not None else []


@register.filter
def in_page_language(path: str) -> str:
    """A stored Vietnamese path (`/don-vi/…`) as a link in the page's language."""
    return path_in_current_language(path)
