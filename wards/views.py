from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.htmx import template_for, wants_fragment
from portal.page_cache import SCOPE_CATALOGUE, page_changes_at, scope_unit_path, shared_page
from portal.structured_data import as_script, unit_graph
from procedures.selectors import filing_context
from wards import selectors
from wards.forms import ConvertForm, UnitFilterForm
from wards.models import Province, Unit
from wards.resolver_index import address_index_version
from wards.service_point_display import next_change, unit_service_points


def render_unit_list(request: HttpRequest, template: str, province: Province) -> HttpResponse:
    """A page with the province's units and the filter box; an htmx request gets the list.

    The filter submits to the page it is on, so the same URL serves both and can be shared.
    """
    counts = selectors.province_unit_counts(province)
    form = UnitFilterForm(request.GET or None, unit_counts=counts)
    filters = form.cleaned_data if form.is_valid() else {}
    units = selectors.unit_list(
        province=province, query=filters.get("q", ""), unit_type=filters.get("loai", "")
    )
    context = {
        "province": province,
        "form": form,
        "units": units,
        "counts": counts,
        "filter_url": request.path,
    }
    if wants_fragment(request):
        template = "wards/_unit_list.html"
    return render(request, template, context)


@require_safe
def province_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wards/province_list.html", {"provinces": selectors.province_list()})


@require_safe
@vary_on_headers("HX-Request", "HX-Boosted")
def province_detail(request: HttpRequest, province_slug: str) -> HttpResponse:
    province = get_object_or_404(Province, slug=province_slug)
    return render_unit_list(request, "wards/province_detail.html", province)


@require_safe
@shared_page(lambda request, province_slug, unit_slug: [scope_unit_path(province_slug, unit_slug)])
def unit_detail(request: HttpRequest, province_slug: str, unit_slug: str) -> HttpResponse:
    try:
        unit = selectors.unit_get(province_slug=province_slug, unit_slug=unit_slug)
    except Unit.DoesNotExist:
        raise Http404 from None
    now = timezone.localtime()
    service_points = unit_service_points(unit, now)
    page_changes_at(request, next_change(service_points, now))
    context = {
        "unit": unit,
        "json_ld": as_script(unit_graph(unit, service_points)),
        "service_points": service_points,
        **selectors.unit_notices_active(unit, timezone.localdate()),
        "predecessors": selectors.unit_predecessors(unit),
        "changes": unit.changes.all(),
    }
    return render(request, "wards/unit_detail.html", context)


@require_safe
def unit_by_code(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.select_related("province"), code=code)
    return redirect(unit, permanent=True)


def _convert_scopes(request: HttpRequest) -> list[str]:
    return [f"addresses:{address_index_version()}", SCOPE_CATALOGUE]


@require_safe
@vary_on_headers("HX-Request", "HX-Boosted")
@shared_page(_convert_scopes)
def convert(request: HttpRequest) -> HttpResponse:
    """Tra cứu phường/xã mới: a former address in, the new unit(s) out."""
    form = ConvertForm(request.GET) if request.GET.get("q", "").strip() else ConvertForm()
    matches = None
    if form.is_bound and form.is_valid():
        matches = selectors.former_unit_resolve(query=form.cleaned_data["q"], limit=10)
    template = template_for(request, "wards/convert.html", "results")
    # The note on "mặc định" explains a tag shown only on a divided unit's default successor.
    shows_default = any(
        match.entry.divided and any(successor.is_default for successor in match.entry.successors)
        for match in matches or ()
    )
    context = {"form": form, "matches": matches, "shows_default": shows_default}
    context |= filing_context(slug=request.GET.get("thu_tuc", ""))
    return render(request, template, context)
