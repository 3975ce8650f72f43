"""Nộp ở đâu follows who settles the procedure."""

import pytest
from django.urls import reverse

from procedures.models import Settler, settler_from_agency
from wards.models import ServicePoint, ServicePointKind


def where(client, slug: str, unit: str = "00166") -> str:
    url = reverse("procedures:detail", args=[slug])
    return client.get(url, {"don_vi": unit}).content.decode()


@pytest.mark.parametrize(
    ("agency", "settler"),
    [
        ("Công an cấp xã", Settler.COMMUNE_POLICE),
        ("UBND cấp xã", Settler.COMMUNE),
        ("Chủ tịch UBND cấp xã nơi có đất", Settler.COMMUNE),
        ("UBND cấp xã (liên thông với Công an và cơ quan BHXH)", Settler.COMMUNE),
        ("UBND cấp xã tiếp nhận; Sở Nội vụ quyết định", Settler.COMMUNE),
        ("Sở Tư pháp", Settler.CITY),
        ("", ""),
    ],
)
def test_the_agency_names_who_settles(agency, settler):
    assert settler_from_agency(agency) == settler


@pytest.mark.django_db
def test_a_commune_procedure_sends_residents_to_the_wards_service_point_with_its_phone(client):
    ServicePoint.objects.filter(unit__code="00166").update(phone="024 3833 1234")
    page = where(client, "dang-ky-ket-hon")
    assert "Điểm phục vụ hành chính công Phường Cầu Giấy" in page
    assert 'href="tel:02438331234"' in page


@pytest.mark.django_db
def test_a_police_procedure_never_sends_residents_to_the_committees_point(client):
    page = where(client, "dang-ky-tam-tru")
    assert "do Công an Phường Cầu Giấy giải quyết" in page
    assert "Điểm phục vụ hành chính công Phường Cầu Giấy" not in page
    assert "Địa chỉ nơi tiếp dân của Công an phường, xã:" in page and "chưa xác minh" in page


@pytest.mark.django_db
def test_a_police_office_once_known_is_shown_for_police_procedures(client, cau_giay):
    ServicePoint.objects.create(
        unit=cau_giay,
        kind=ServicePointKind.POLICE_RECEPTION,
        name="Công an Phường Cầu Giấy",
        address="Địa chỉ do cán bộ nhập",
        source="cán bộ phường",
    )
    page = where(client, "dang-ky-tam-tru")
    assert "Công an Phường Cầu Giấy</a></h3>" in page and "Địa chỉ do cán bộ nhập" in page
    assert "Điểm phục vụ hành chính công Phường Cầu Giấy" not in where(client, "dang-ky-tam-tru")
    assert "Công an Phường Cầu Giấy</a></h3>" not in where(client, "dang-ky-ket-hon")
