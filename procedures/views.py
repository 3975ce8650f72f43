from functools import lru_cache

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.htmx import template_for, wants_fragment
from portal.http import json_response
from portal.page_cache import (
    SCOPE_CATALOGUE,
    page_changes_at,
    scope_procedure,
    scope_unit,
    shared_page,
)
from procedures.forms import ProcedureSearchForm, WhereToFileForm
from procedures.models import MovedStatus, Procedure, Settler, Status
from procedures.search import (
    ProcedureHit,
    SearchPage,
    procedure_search,
    procedure_search_page,
    search_fingerprint,
    search_generation,
)
from wards.models import ServicePointKind
from wards.nearby import distance_km, unit_origin
from wards.service_point_display import city_service_points, next_change, unit_service_points

# Where a resident files, by who settles the procedure (the commune's own service point
# when nobody has said otherwise).
FILING_KINDS = {
    Settler.COMMUNE: ServicePointKind.PUBLIC_ADMINISTRATIVE,
    Settler.COMMUNE_POLICE: ServicePointKind.POLICE_RECEPTION,
    Settler.CITY: ServicePointKind.CITY_CENTRE_BRANCH,
}

# As-you-type search asks for the same few fragments again and again: each is rendered once
# per index generation (a catalogue change builds a new index, so a new key).
FRAGMENT_CACHE_SIZE = 2048
CACHEABLE_QUERY_LENGTH = 600


@require_safe
@vary_on_headers("HX-Request", "HX-Boosted")
@shared_page(lambda request: [SCOPE_CATALOGUE, f"search-index:{search_fingerprint()}"])
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    if wants_fragment(request) and len(query) <= CACHEABLE_QUERY_LENGTH:
        html = _results_fragment(search_generation(), get_language(), request.path, query)
        return HttpResponse(html)
    context = _results_context(ProcedureSearchForm(request.GET), request.path, request.GET)
    return render(request, template_for(request, "procedures/search.html", "results"), context)


@lru_cache(maxsize=FRAGMENT_CACHE_SIZE)
def _results_fragment(generation: int, language: str, path: str, query: str) -> str:
    params = QueryDict(query)
    context = _results_context(ProcedureSearchForm(params), path, params)
    return render_to_string("procedures/search.html#results", context)


def _results_context(form: ProcedureSearchForm, path: str, params: QueryDict) -> dict:
    page = procedure_search_page(**form.page_arguments()) if form.is_valid() else None
    context = {"form": form, "page": page, "results": page.hits if page else None}
    if page is not None:
        context["page_links"] = _page_links(path, params, page)
    return context


def _page_links(path: str, params: QueryDict, page: SearchPage) -> dict:
    def link(number: int) -> str:
        query = params.copy()
        query["trang"] = str(number)
        return f"{path}?{query.urlencode()}"

    return {
        "previous": link(page.number - 1) if page.number > 1 else None,
        "next": link(page.number + 1) if page.number < page.pages else None,
    }


def _detail_scopes(request: HttpRequest, slug: str) -> list[str]:
    unit_code = request.GET.get("don_vi", "")[:20]
    return [scope_procedure(slug), scope_unit(unit_code)] if unit_code else [scope_procedure(slug)]


@require_safe
@shared_page(_detail_scopes)
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.filter(status=Status.PUBLISHED).prefetch_related(
            "steps", "documents", "costs", "legal_basis"
        ),
        slug=slug,
    )
    where = WhereToFileForm(request.GET or None)
    unit = where.cleaned_data["don_vi"] if where.is_bound and where.is_valid() else None
    kind = FILING_KINDS.get(procedure.settled_by, ServicePointKind.PUBLIC_ADMINISTRATIVE)
    now = timezone.localtime()
    if not unit:
        points = None
    elif procedure.settled_by == Settler.CITY:
        points = _nearest_first(city_service_points(unit.province.code, now), unit)
    else:
        points = unit_service_points(unit, now, kind=kind)
    page_changes_at(request, next_change(points or [], now))
    context = {"procedure": procedure, "where": where, "unit": unit, "service_points": points}
    return render(request, "procedures/detail.html", context)


# The API's yes/no/unknown: a procedure both levels did before 1 July 2025 did not "move".
MOVED_AS_JSON = {MovedStatus.YES: True, MovedStatus.NO: False, MovedStatus.BOTH: False, "": None}


def _nearest_first(views: list, unit) -> list:
    """City points nearest the resident's unit first (a point without coordinates of its
    own counts from its unit's approximate centre)."""
    origin = unit_origin(unit)
    if origin is None:
        return views

    def distance(view) -> float:
        point = view.point
        lat = point.latitude if point.latitude is not None else point.unit.latitude
        lon = point.longitude if point.longitude is not None else point.unit.longitude
        return distance_km(*origin, lat, lon) if lat is not None else float("inf")

    return sorted(views, key=distance)


def hit_as_json(hit: ProcedureHit) -> dict:
    return {
        "code": hit.code or None,
        "name": hit.name,
        "slug": hit.slug,
        "url": hit.url,
        "field": hit.field_label,
        "level": hit.level_label,
        "moved_from_district": MOVED_AS_JSON[hit.moved_from_district],
        "online_level": hit.online_level or None,
    }


@require_safe
def api_search(request: HttpRequest) -> HttpResponse:
    """Each answer is made once per index generation and language, and kept in this process
    (as-you-type clients ask the same few questions again and again)."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > CACHEABLE_QUERY_LENGTH:
        body, status = _api_answer(request.GET)
    else:
        body, status = _api_answer_kept(search_generation(), get_language(), query)
    return HttpResponse(body, status=status, content_type="application/json")


@lru_cache(maxsize=FRAGMENT_CACHE_SIZE)
def _api_answer_kept(generation: int, language: str, query: str) -> tuple[bytes, int]:
    return _api_answer(QueryDict(query))


def _api_answer(params: QueryDict) -> tuple[bytes, int]:
    form = ProcedureSearchForm(params)
    if not form.is_valid():
        return json_response({"error": form.first_error()}, status=400).content, 400
    if not form.has_criteria():
        message = _("Hãy nhập nội dung tìm (tham số q) hoặc chọn một bộ lọc.")
        return json_response({"error": message}, status=400).content, 400
    hits = procedure_search(**form.search_arguments())
    body = {"query": form.cleaned_data["q"], "results": [hit_as_json(hit) for hit in hits]}
    return json_response(body).content, 200
