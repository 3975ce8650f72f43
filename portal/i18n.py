"""The resident side in two languages: Vietnamese at its own URLs, English under /en/.

The URL alone says the language (portal/middleware.py, LanguageFromPathMiddleware). Staff
pages, the admin, the API and every email stay Vietnamese.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, translate_url
from django.utils import translation


def in_site_language(function):
    """Run `function` in Vietnamese, whatever the page that led to it: an email is
    Vietnamese even when its task runs eagerly inside an English page's request, and its
    links are the Vietnamese URLs."""

    @wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def path_in_current_language(path: str) -> str:
    """A resident-side path kept in Vietnamese form (`/don-vi/…`, as the in-memory indexes
    hold it) as a link of the page being rendered: `/en/don-vi/…` on an English page."""
    language = translation.get_language()
    prefix = get_script_prefix()
    if not language or language == settings.LANGUAGE_CODE or not path.startswith(prefix):
        return path
    return f"{prefix}{language}/{path[len(prefix) :]}"


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str
    path: str  # with the query string
    url: str  # absolute, from SITE_URL, for hreflang
    current: bool
    default: bool  # the version for a reader of any other language (hreflang x-default)


_VERSIONS = "_language_versions"


def language_versions(request: HttpRequest) -> list[LanguageVersion]:
    """The page in each language, the current one included; empty for a page that has only
    one (staff, admin, accounts, a 404) and for the answer to a POST, which no link can
    repeat."""
    if hasattr(request, _VERSIONS):
        return getattr(request, _VERSIONS)
    versions = []
    if request.method in ("GET", "HEAD"):
        here = request.get_full_path()
        current = translation.get_language()
        paths = {code: translate_url(here, code) for code, _name in settings.LANGUAGES}
        if len(set(paths.values())) == len(paths):
            versions = [
                LanguageVersion(
                    code=code,
                    name=name,
                    path=paths[code],
                    url=settings.SITE_URL + paths[code],
                    current=code == current,
                    default=code == settings.LANGUAGE_CODE,
                )
                for code, name in settings.LANGUAGES
            ]
    setattr(request, _VERSIONS, versions)
    return versions
