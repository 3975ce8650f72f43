from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.htmx import template_for
from procedures.selectors import filing_context
from wards.forms import NearbyForm
from wards.nearby import service_points_nearest


@require_safe
@vary_on_headers("HX-Request", "HX-Boosted")
def nearby(request: HttpRequest) -> HttpResponse:
    """Điểm phục vụ gần tôi: the nearest service points, from the browser's position or
    from the unit the resident picked."""
    asked = not request.GET.keys().isdisjoint(NearbyForm.base_fields)
    form = NearbyForm(request.GET) if asked else NearbyForm()
    results = None
    if asked and form.is_valid():
        latitude, longitude = form.cleaned_data["origin"]
        results = service_points_nearest(
            latitude=latitude, longitude=longitude, now=timezone.localtime()
        )
    template = template_for(request, "wards/nearby.html", "results")
    context = {"form": form, "results": results}
    context |= filing_context(slug=request.GET.get("thu_tuc", ""))
    return render(request, template, context)
