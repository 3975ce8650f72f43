from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from portal.htmx import template_for
from portal.http import json_response
from procedures.forms import ProcedureSearchForm, WhereToFileForm
from procedures.models import Procedure, Status
from procedures.search import ProcedureHit, procedure_search
from wards.service_point_display import unit_service_points


@require_GET
@vary_on_headers("HX-Request", "HX-Boosted")
def search(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET)
    results = procedure_search(**form.search_arguments()) if form.is_valid() else None
    context = {"form": form, "results": results}
    return render(request, template_for(request, "procedures/search.html", "results"), context)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = get_object_or_404(
        Procedure.objects.filter(status=Status.PUBLISHED).prefetch_related(
            "steps", "documents", "costs", "legal_basis"
        ),
        slug=slug,
    )
    where = WhereToFileForm(request.GET or None)
    unit = where.cleaned_data["don_vi"] if where.is_bound and where.is_valid() else None
    context = {
        "procedure": procedure,
        "where": where,
        "unit": unit,
        "service_points": unit_service_points(unit, timezone.localtime()) if unit else None,
    }
    return render(request, "procedures/detail.html", context)


def hit_as_json(hit: ProcedureHit) -> dict:
    return {
        "code": hit.code or None,
        "name": hit.name,
        "slug": hit.slug,
        "url": hit.url,
        "field": hit.field_label,
        "level": hit.level_label,
        "moved_from_district": hit.moved_from_district,
        "online_level": hit.online_level or None,
    }


@require_GET
def api_search(request: HttpRequest) -> JsonResponse:
    form = ProcedureSearchForm(request.GET)
    if not form.is_valid():
        return json_response({"error": form.first_error()}, status=400)
    if not form.has_criteria():
        message = _("Hãy nhập nội dung tìm (tham số q) hoặc chọn một bộ lọc.")
        return json_response({"error": message}, status=400)
    hits = procedure_search(**form.search_arguments())
    body = {"query": form.cleaned_data["q"], "results": [hit_as_json(hit) for hit in hits]}
    return json_response(body)
