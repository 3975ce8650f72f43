import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:wards_staffmembership_changelist",
        "admin:wards_staffmembership_add",
        "admin:wards_servicepoint_changelist",
        "admin:wards_notice_changelist",
        "admin:wards_publicholiday_changelist",
        "admin:wards_unit_changelist",
        "admin:wards_formerunit_changelist",
    ],
)
def test_site_admin_pages_open(admin_client_, name):
    assert admin_client_.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_admin_search_finds_units_without_diacritics(admin_client_):
    page = admin_client_.get(reverse("admin:wards_unit_changelist"), {"q": "cau giay"})
    assert "Cầu Giấy" in page.content.decode()
