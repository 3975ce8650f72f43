"""When to answer an htmx request with a page's fragment instead of the whole page."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request aimed at a part of the page. A boosted link or form (hx-boost on
    the layout) and a history restore both need the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def template_for(request: HttpRequest, template: str, fragment: str) -> str:
    """`page.html#fragment` for a fragment request, else the page itself."""
    return f"{template}#{fragment}" if wants_fragment(request) else template
