"""The public JSON API for machines: /api/v1/convert."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from portal.http import json_response
from wards import selectors
from wards.forms import ConvertForm
from wards.resolver import Match

DEFAULT_LIMIT = 10


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
def convert(request: HttpRequest) -> JsonResponse:
    form = ConvertForm(request.GET)
    if not form.is_valid():
        return json_response({"error": form.first_error()}, status=400)
    query = form.cleaned_data["q"]
    limit = form.cleaned_data["limit"] or DEFAULT_LIMIT
    matches = selectors.former_unit_resolve(query=query, limit=limit)
    return json_response({"query": query, "results": [match_as_json(m) for m in matches]})
