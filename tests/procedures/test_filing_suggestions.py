"""From a procedure's "Nộp ở đâu" to the resident's unit and back, through the address lookup
or "near me", without JavaScript."""

import pytest
from django.urls import reverse

PROCEDURE = "dang-ky-khai-sinh"


def _filing_link(unit_code: str) -> str:
    return f"/thu-tuc/{PROCEDURE}/?don_vi={unit_code}#noi-nop"


@pytest.mark.django_db
def test_the_procedure_page_sends_the_lookups_its_slug(client):
    page = client.get(reverse("procedures:detail", args=[PROCEDURE])).content.decode()
    assert f"/tra-cuu/?thu_tuc={PROCEDURE}" in page and f"/gan-toi/?thu_tuc={PROCEDURE}" in page


@pytest.mark.django_db
def test_the_address_lookup_suggests_filing_in_the_new_unit(client, cau_giay):
    response = client.get(reverse("convert"), {"q": "quan hoa cau giay", "thu_tuc": PROCEDURE})
    html = response.content.decode()
    assert _filing_link(cau_giay.code) in html
    assert f'name="thu_tuc" value="{PROCEDURE}"' in html  # kept for the next lookup
    plain = client.get(reverse("convert"), {"q": "quan hoa cau giay"}).content.decode()
    assert "?don_vi=" not in plain  # a lookup not opened from a procedure suggests nothing


@pytest.mark.django_db
def test_near_me_suggests_filing_at_the_nearest_units(client, cau_giay):
    response = client.get(reverse("nearby"), {"don_vi": cau_giay.code, "thu_tuc": PROCEDURE})
    assert _filing_link(cau_giay.code) in response.content.decode()


@pytest.mark.django_db
def test_following_the_suggestion_shows_the_units_service_points(client, cau_giay):
    page = client.get(_filing_link(cau_giay.code).split("#")[0]).content.decode()
    point = cau_giay.service_points.first()
    assert point.name in page


@pytest.mark.django_db
def test_an_unknown_or_unpublished_procedure_suggests_nothing(client):
    for slug in ["khong-co", "<script>"]:
        html = client.get(reverse("convert"), {"q": "quan hoa", "thu_tuc": slug}).content.decode()
        assert "Nộp “" not in html and "<script>" not in html.split("</header>")[-1]
        nearby = client.get(reverse("nearby"), {"don_vi": "00166", "thu_tuc": slug})
        assert nearby.status_code == 200 and "Nộp “" not in nearby.content.decode()
