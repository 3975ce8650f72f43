from functools import lru_cache

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.htmx import template_for, wants_fragment
from portal.page_cache import (
    SCOPE_CATALOGUE,
    page_changes_at,
    scope_procedure,
    scope_unit,
    shared_page,
)
from portal.structured_data import as_script, procedure_graph
from procedures.forms import ProcedureSearchForm, WhereToFileForm
from procedures.models import Procedure, Settler, Status
from procedures.search import (
    SearchPage,
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
    context = {
        "procedure": procedure,
        "json_ld": as_script(procedure_graph(procedure)),
        "where": where,
        "unit": unit,
        "service_points": points,
    }
    return render(request, "procedures/detail.html", context)


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
