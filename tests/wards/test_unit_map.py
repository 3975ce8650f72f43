from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from wards.models import ServicePoint


@pytest.mark.django_db
def test_unit_page_has_a_map_placeholder_with_the_point_coordinates(client, cau_giay):
    point = cau_giay.service_points.get()
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert (
        f'<div class="map" data-lat="{point.latitude:.6f}" data-lon="{point.longitude:.6f}"'
        f' data-label="{point.name}"></div>'
    ) in page
    assert "<br>Vị trí trên bản đồ là gần đúng, chưa được xác minh.</figcaption>" in page
    assert ">Xem bản đồ</a>" in page  # the page works without JavaScript


@pytest.mark.django_db
def test_unit_page_loads_its_map_script_from_our_static_files_inside_the_swapped_body(
    client, cau_giay
):
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    body = page[page.index("<main") :]
    # unit_map.js fetches Leaflet (these addresses) once the map nears the screen.
    assert '<script src="/static/js/unit_map.js" defer' in body
    assert 'data-leaflet-js="/static/vendor/leaflet/leaflet.js"' in body
    assert 'data-leaflet-css="/static/vendor/leaflet/leaflet.css"' in body
    assert "unpkg" not in page and "cdn" not in page


@pytest.mark.django_db
def test_a_point_without_coordinates_gets_no_map(client, cau_giay):
    ServicePoint.objects.filter(unit=cau_giay).update(latitude=None, longitude=None)
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert 'class="map"' not in page


def test_leaflet_is_vendored_with_its_licence_and_without_a_missing_source_map():
    script = Path(finders.find("vendor/leaflet/leaflet.js"))
    assert 't.version="1.9.4"' in script.read_text()
    # The manifest storage of production fails collectstatic on a reference to a file
    # that is not there; the source map is not shipped.
    assert "sourceMappingURL" not in script.read_text()
    assert "BSD 2-Clause" in Path(finders.find("vendor/leaflet/LICENSE")).read_text()
    for image in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert finders.find(f"vendor/leaflet/images/{image}")
