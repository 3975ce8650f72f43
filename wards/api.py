"""The public JSON API for machines: /api/v1/convert."""

from functools import lru_cache

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from portal.http import json_response
from wards import selectors
from wards.forms import ConvertForm
from wards.resolver import Match

DEFAULT_LIMIT = 10
ANSWER_CACHE_SIZE = 4096
CACHEABLE_QUERY_LENGTH = 600


def match_as_json(match: Match) -> dict:
    entry = match.entry
    return {
        "old": {
            "code": entry.code or None,
            "name": entry.name,
            "district": entry.district,
            "province": entry.province,
        },
        "divided": entry.divided,
        "new": [
            {
                "code": successor.code,
                "name": successor.name,
                "province": successor.province,
                "is_default": successor.is_default,
                "url": successor.url,
            }
            for successor in entry.successors
        ],
    }


@require_safe
def convert(request: HttpRequest) -> HttpResponse:
    """The same few addresses are asked again and again (a lookup box, a batch of one
    street): each answer is made once per index and language, and kept in this process."""
    query_string = request.META.get("QUERY_STRING", "")
    if len(query_string) > CACHEABLE_QUERY_LENGTH:
        body, status = _answer(request.GET)
    else:
        generation = selectors.address_index_generation()
        body, status = _answer_kept(generation, get_language(), query_string)
    return HttpResponse(body, status=status, content_type="application/json")


@lru_cache(maxsize=ANSWER_CACHE_SIZE)
def _answer_kept(generation: int, language: str, query_string: str) -> tuple[bytes, int]:
    return _answer(QueryDict(query_string))


def _answer(params: QueryDict) -> tuple[bytes, int]:
    form = ConvertForm(params)
    if not form.is_valid():
        return json_response({"error": form.first_error()}, status=400).content, 400
    query = form.cleaned_data["q"]
    limit = form.cleaned_data["limit"] or DEFAULT_LIMIT
    matches = selectors.former_unit_resolve(query=query, limit=limit)
    answer = json_response({"query": query, "results": [match_as_json(m) for m in matches]})
    return answer.content, 200
