"""Hà Nội's city-level reception points, and where residents file city procedures."""

import copy

import pytest
from django.urls import reverse

from procedures.models import Procedure, Settler
from wards.models import ServicePoint, ServicePointKind
from wards.services.city_points import city_points_import, city_points_records
from wards.sources.records import SourceDataError

DATA = {
    "version": "2025-07-01",
    "credit": ["thử"],
    "points": [
        {
            "name": "Chi nhánh số 1 thử",
            "address": "258 Võ Chí Công",
            "former_ward": "Xuân La",
            "former_district": "Tây Hồ",
            "sources": ["https://example.gov.vn/chi-nhanh-1"],
        }
    ],
}


@pytest.mark.django_db
def test_the_shipped_city_points_are_loaded_by_setup_with_their_sources():
    data = city_points_records()
    assert data["points"] and all(point["sources"] for point in data["points"])
    loaded = ServicePoint.objects.filter(kind=ServicePointKind.CITY_CENTRE_BRANCH)
    assert loaded.count() == len(data["points"])
    assert all(point.unit.province.code == "01" for point in loaded)


@pytest.mark.django_db
def test_a_point_goes_into_its_former_wards_default_successor_once():
    ServicePoint.objects.filter(kind=ServicePointKind.CITY_CENTRE_BRANCH).delete()
    assert city_points_import(data=DATA).created == 1
    point = ServicePoint.objects.get(name="Chi nhánh số 1 thử")
    assert point.unit.name == "Xuân Đỉnh" and point.address == "258 Võ Chí Công"
    assert city_points_import(data=DATA).already_present == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [{"former_ward": "Không Có"}, {"sources": []}, {"former_district": "Ba Vì"}]
)
def test_a_point_that_cannot_be_placed_or_is_unsourced_stops_the_import(change):
    before = ServicePoint.objects.count()
    data = copy.deepcopy(DATA)
    data["points"][0] |= change
    with pytest.raises(SourceDataError):
        city_points_import(data=data)
    assert ServicePoint.objects.count() == before


@pytest.mark.django_db
def test_a_city_procedure_lists_the_city_points_not_the_wards_own(client):
    city_points_import(data=DATA)
    procedure = Procedure.objects.get(slug="dang-ky-ket-hon")
    procedure.settled_by = Settler.CITY
    procedure.save()
    page = client.get(procedure.get_absolute_url(), {"don_vi": "00166"}).content.decode()
    assert "Chi nhánh số 1 thử" in page and "258 Võ Chí Công" in page
    assert "Điểm phục vụ hành chính công Phường Cầu Giấy" not in page
    assert "do cơ quan cấp thành phố giải quyết" in page
    assert reverse("procedures:detail", args=["dang-ky-ket-hon"]) in page


@pytest.mark.django_db
def test_city_points_are_listed_nearest_the_residents_ward_first(client):
    procedure = Procedure.objects.get(slug="dang-ky-ket-hon")
    procedure.settled_by = Settler.CITY
    procedure.save()
    one, seven = "Chi nhánh số 1 Trung tâm", "Chi nhánh số 7 Trung tâm"
    near_west_lake = client.get(procedure.get_absolute_url(), {"don_vi": "00611"})  # Xuân Đỉnh
    page = near_west_lake.content.decode()
    assert page.index(one) < page.index(seven)
    near_ha_dong = client.get(
        procedure.get_absolute_url(), {"don_vi": "09552"}
    ).content.decode()  # Kiến Hưng
    assert near_ha_dong.index(seven) < near_ha_dong.index(one)
