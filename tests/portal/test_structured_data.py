"""schema.org JSON-LD on unit and procedure pages: what residents read, for machines, and
nothing that is not known."""

import json
import re
from datetime import date, time

import pytest

from wards.models import HoursException, HoursExceptionKind, ServicePoint
from wards.services.staff_edits import IntervalInput, weekly_hours_replace


def graph_of(response) -> list[dict]:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(found) == 1
    data = json.loads(found[0])
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def of_type(graph, kind) -> list[dict]:
    return [node for node in graph if node["@type"] == kind]


@pytest.mark.django_db
def test_a_unit_page_describes_the_area_and_the_committee_serving_it(client, cau_giay):
    graph = graph_of(client.get(cau_giay.get_absolute_url()))
    [area] = of_type(graph, "AdministrativeArea")
    [committee] = of_type(graph, "GovernmentOrganization")
    assert area["name"] == "Phường Cầu Giấy" and area["identifier"] == "00166"
    assert area["containedInPlace"]["name"] == "Thành phố Hà Nội"
    assert committee["areaServed"] == {"@id": area["@id"]}


@pytest.mark.django_db
def test_a_service_point_without_confirmed_hours_claims_no_hours(client, cau_giay):
    ServicePoint.objects.filter(unit=cau_giay).update(phone="")
    for point in ServicePoint.objects.filter(unit=cau_giay):
        point.weekly_hours.all().delete()
    [office] = of_type(graph_of(client.get(cau_giay.get_absolute_url())), "GovernmentOffice")
    assert "openingHoursSpecification" not in office and "telephone" not in office


@pytest.mark.django_db
def test_a_service_point_gives_its_week_and_a_closure_as_special_hours(client, cau_giay):
    point = ServicePoint.objects.filter(unit=cau_giay).order_by("pk").first()
    week = [IntervalInput(day, time(8), time(17)) for day in range(5)]
    weekly_hours_replace(point_id=point.pk, seen_version=point.version, intervals=week, user=None)
    HoursException.objects.create(
        service_point=point,
        start_date=date(2026, 12, 31),
        end_date=date(2027, 1, 1),
        kind=HoursExceptionKind.CLOSED,
        reason="Nghỉ Tết Dương lịch",
    )
    [office] = of_type(graph_of(client.get(cau_giay.get_absolute_url())), "GovernmentOffice")
    days = [spec["dayOfWeek"] for spec in office["openingHoursSpecification"]]
    assert days == [
        f"https://schema.org/{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    ]
    assert office["openingHoursSpecification"][0]["opens"] == "08:00"
    assert {
        "@type": "OpeningHoursSpecification",
        "opens": "00:00",
        "closes": "00:00",
        "validFrom": "2026-12-31",
        "validThrough": "2027-01-01",
    } in office["specialOpeningHoursSpecification"]


@pytest.mark.django_db
def test_a_procedure_page_is_a_government_service_with_its_fees_and_documents(client):
    graph = graph_of(client.get("/thu-tuc/dang-ky-khai-sinh/"))
    [service] = of_type(graph, "GovernmentService")
    [how_to] = of_type(graph, "HowTo")
    assert service["name"] == "Đăng ký khai sinh"
    assert service["provider"]["@type"] == "GovernmentOrganization"
    assert any("Tờ khai đăng ký khai sinh" in s["name"] for s in how_to["supply"])
    assert all(offer["priceCurrency"] == "VND" for offer in service.get("offers", []))


@pytest.mark.django_db
def test_text_staff_type_cannot_close_the_data_block(client, cau_giay):
    ServicePoint.objects.filter(unit=cau_giay).update(
        name="Điểm </script><script>alert(1)</script>"
    )
    page = client.get(cau_giay.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in page
    assert graph_of(client.get(cau_giay.get_absolute_url()))
