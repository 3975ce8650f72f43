"""Whole public pages kept in the shared cache for visitors who are not logged in.

A page is stored under the generations of what it shows (a unit, a procedure, the
catalogue). An outbox event bumps the generation of its unit or procedure
(portal/outbox.py), so every app server renders the page afresh after a change. A stored
page is served for about PAGE_CACHE_SECONDS, and never past the moment the view said it
changes (`page_changes_at`: a point opening or closing, midnight), so "open now", today's
hours and dated notices stay true without an event. The expiry is spread, so pages do not
all expire, and render, in the same second.

The CSRF token is the one part of a page that differs between visitors: pages are rendered
with a placeholder in its place (`csrf_placeholder`, a context processor) and each visitor
gets their own token put in when the page is served.

A copy of the last rendering is kept for a day: when the database cannot be reached, that
copy is served with a line saying so, instead of the 503 page.
"""

import hashlib
import logging
import math
import random
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "csrf-token-placeholder-5c1e"
STALE_PLACEHOLDER = "<!-- stale-copy-notice -->"
# Cookies a visitor may carry and still be served a shared page: the CSRF cookie only.
# A session (staff, flashed messages) means a page of one's own.
SHARED_PAGE_COOKIES = {settings.CSRF_COOKIE_NAME}
MAX_QUERY_LENGTH = 600
_RECORDING = "_page_cache_recording"
_CHANGES_AT = "_page_changes_at"
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _pages():
    return caches["pages"]


def scope_unit(code: str) -> str:
    return f"unit:{code}"


def scope_unit_path(province_slug: str, unit_slug: str) -> str:
    return f"unit-path:{province_slug}/{unit_slug}"


def scope_procedure(slug: str) -> str:
    return f"procedure:{slug}"


SCOPE_CATALOGUE = "catalogue"


# Every change bumps this scope as well: the API's answers (`shared_answer`) are kept under it.
SCOPE_ANY = "any-public-data"


def scopes_bump(scopes: Iterable[str]) -> None:
    """Every page cached under these scopes is rendered afresh on its next request."""
    keys = [_generation_key(scope) for scope in [*scopes, SCOPE_ANY]]
    try:
        cache = _pages()
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # not there yet: any value new to it will do
                cache.set(key, 1, timeout=None)
    except Exception as error:  # a cache that is down holds no stale page either
        log.warning("Page cache unavailable, generations not bumped: %s", error)


def scopes_of_change(*, unit=None, procedure=None) -> list[str]:
    scopes = []
    if unit is not None:
        scopes += [scope_unit(unit.code), scope_unit_path(unit.province.slug, unit.slug)]
    if procedure is not None:
        scopes += [scope_procedure(procedure.slug), SCOPE_CATALOGUE]
    return scopes


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: while a shared page is being recorded, its CSRF token is a
    placeholder (listed after Django's own, so it wins)."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RECORDING, False) else {}


def _shareable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= SHARED_PAGE_COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
    )


def _generation_key(scope: str) -> str:
    """Scopes may hold what a visitor typed (a unit code from the query): hashed, any
    text makes a valid key."""
    return "generation:" + hashlib.blake2b(scope.encode(), digest_size=16).hexdigest()


def _page_key(request: HttpRequest, parts: list) -> str:
    variant = [
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Boosted", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        *map(str, parts),
    ]
    return hashlib.blake2b("|".join(variant).encode(), digest_size=20).hexdigest()


def _served(request: HttpRequest, stored: dict, *, stale: bool = False) -> HttpResponse:
    html = stored["html"].replace(CSRF_PLACEHOLDER, get_token(request))
    if stale:
        notice = render_to_string("portal/_stale_copy.html", {"saved_at": stored["saved_at"]})
        html = html.replace(STALE_PLACEHOLDER, notice, 1)
    response = HttpResponse(html, content_type=stored["content_type"])
    response["X-Page-Cache"] = "stale" if stale else "hit"
    return response


def shared_page(scopes: Callable[..., list[str]]):
    """Serve the view's page from the shared cache for visitors without a session.

    `scopes(request, **kwargs)` names what the page shows; a change to any of them (an
    outbox event) makes the stored page old. Put this decorator nearest the view, so
    `require_safe` and `vary_on_headers` still wrap what it serves."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not settings.PAGE_CACHE_ENABLED or not _shareable(request):
                return view(request, *args, **kwargs)
            stale_key = "stale:" + _page_key(request, [])
            try:
                names = scopes(request, **kwargs)
            except (OperationalError, InterfaceError):
                return _stale_or_raise(request, stale_key)
            try:
                cache = _pages()
                found = cache.get_many([_generation_key(name) for name in names])
                generations = [f"{n}={found.get(_generation_key(n), 0)}" for n in names]
                key = "page:" + _page_key(request, generations)
                stored = cache.get(key)
            except Exception as error:
                log.warning("Page cache unavailable, page rendered: %s", error)
                return view(request, *args, **kwargs)
            if stored is not None and stored.get("valid_until", _LONG_AGO) > timezone.now():
                return _served(request, stored)

            setattr(request, _RECORDING, True)
            try:
                response = view(request, *args, **kwargs)
            except (OperationalError, InterfaceError):
                return _stale_or_raise(request, stale_key)
            finally:
                setattr(request, _RECORDING, False)
            if response.status_code != 200 or response.streaming:
                return _with_token(request, response)
            now = timezone.now()
            valid_until = _valid_until(request, now)
            stored = {
                "html": response.content.decode(response.charset),
                "content_type": response["Content-Type"],
                "saved_at": now,
                "valid_until": valid_until,
            }
            try:
                timeout = math.ceil((valid_until - now).total_seconds())
                cache.set(key, stored, timeout=timeout)
                cache.set(stale_key, stored, timeout=settings.PAGE_CACHE_STALE_SECONDS)
            except Exception as error:
                log.warning("Page cache unavailable, page not stored: %s", error)
            served = _served(request, stored)
            served["X-Page-Cache"] = "miss"
            for header, value in response.items():
                served.headers.setdefault(header, value)
            return served

        return wrapper

    return decorator


def page_changes_at(request: HttpRequest, moment: datetime | None) -> None:
    """The page being rendered shows something that changes at `moment` (a point opening
    or closing, tomorrow's date): its stored copy is served until then at most."""
    earliest = getattr(request, _CHANGES_AT, None)
    if moment is not None and (earliest is None or moment < earliest):
        setattr(request, _CHANGES_AT, moment)


def _valid_until(request: HttpRequest, now: datetime) -> datetime:
    """A while from now, spread so that pages rendered together do not all expire together,
    and never past what the page said changes."""
    spread = settings.PAGE_CACHE_SECONDS * random.uniform(0.8, 1.2)
    until = now + timedelta(seconds=spread)
    changes_at = getattr(request, _CHANGES_AT, None)
    return min(until, changes_at) if changes_at is not None and changes_at > now else until


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page rendered for recording but not stored (an error page, a redirect) still
    needs a real token where the placeholder went."""
    if not response.streaming and CSRF_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            CSRF_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response


def _stale_or_raise(request: HttpRequest, key: str) -> HttpResponse:
    """The database is down: the last copy of the page if there is one, else the error
    goes on to DatabaseUnavailableMiddleware (503)."""
    try:
        stale = _pages().get(key)
    except Exception:
        stale = None
    if stale is None:
        raise
    return _served(request, stale, stale=True)


def shared_answer(
    request: HttpRequest, render: Callable[[HttpRequest], HttpResponse], versions: list[str]
):
    """An API answer (a GET of public data) from the shared cache, else rendered and kept
    for about API_ANSWER_SECONDS, until any public data changes (an outbox event, or one of
    `versions`, the data the in-memory indexes were built from). While the database is
    down (a 503), the last copy is served instead."""
    stale_key = "api-stale:" + _page_key(request, [])
    try:
        cache = _pages()
        generation = cache.get(_generation_key(SCOPE_ANY), 0)
        key = "api:" + _page_key(request, [generation, *versions])
        stored = cache.get(key)
    except Exception as error:
        log.warning("Answer cache unavailable, answer rendered: %s", error)
        return render(request)
    now = timezone.now()
    if stored is not None and stored["valid_until"] > now:
        return _answer_served(stored, "hit")
    response = render(request)
    if response.status_code == 503:
        stale = _stale_answer(stale_key)
        return response if stale is None else _answer_served(stale, "stale")
    if response.status_code != 200 or response.streaming:
        return response
    seconds = settings.API_ANSWER_SECONDS * random.uniform(0.8, 1.2)
    stored = {
        "body": response.content,
        "headers": {k: v for k, v in response.items() if k in ANSWER_HEADERS},
        "valid_until": now + timedelta(seconds=seconds),
    }
    try:
        cache.set(key, stored, timeout=math.ceil(seconds))
        cache.set(stale_key, stored, timeout=settings.PAGE_CACHE_STALE_SECONDS)
    except Exception as error:
        log.warning("Answer cache unavailable, answer not stored: %s", error)
    response["X-Page-Cache"] = "miss"
    return response


ANSWER_HEADERS = {"Content-Type", "Last-Modified", "Content-Language"}


def _answer_served(stored: dict, how: str) -> HttpResponse:
    response = HttpResponse(stored["body"])
    for header, value in stored["headers"].items():
        response[header] = value
    response["X-Page-Cache"] = how
    return response


def _stale_answer(key: str) -> dict | None:
    try:
        return _pages().get(key)
    except Exception:
        return None
