"""Admins see, per unit, how current its facts are."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.reports.models import Report
from tests.factories import UserFactory
from wards.models import ServicePoint

URL = reverse("freshness")


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_hanoi_unit_is_listed_and_units_confirmed_long_ago_stand_out(
    admin_client, cau_giay, ba_dinh, cau_giay_editor, django_assert_max_num_queries
):
    ServicePoint.objects.filter(unit=cau_giay).update(verified_at=timezone.now())
    ServicePoint.objects.filter(unit=ba_dinh).update(
        verified_at=timezone.now() - timedelta(days=120)
    )
    Report.objects.create(unit=cau_giay, what_is_wrong="Sai số điện thoại của phường.")
    with django_assert_max_num_queries(8):
        response = admin_client.get(URL)
    page = response.content.decode()
    assert page.count('<tr class="stale">') == 125  # all but Cầu Giấy
    link = page.index(cau_giay.get_absolute_url())
    row_start = page.rindex("<tr", 0, link)
    assert page[row_start : page.index(">", row_start) + 1] == "<tr>"
    assert "<td>1</td>" in page[link : page.index("</tr>", link)]  # its one open report
    assert "125 đơn vị không có thông tin nào được xác nhận trong 90 ngày" in page


def test_the_table_sorts_by_open_reports_and_exports_as_csv(admin_client, cau_giay):
    Report.objects.create(unit=cau_giay, what_is_wrong="Giờ làm việc sai.")
    Report.objects.create(unit=cau_giay, what_is_wrong="Địa chỉ sai.")
    rows = list(
        csv.reader(
            io.StringIO(
                admin_client.get(URL, {"o": "-bao_sai", "dang": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][0] == "ma_don_vi" and len(rows) == 127
    assert rows[1][0] == "00166" and rows[1][7] == "2"


@pytest.mark.parametrize("order", ["", "khong-co", "-" * 30, "xac_nhan", "-dang_nhap"])
def test_any_order_parameter_answers_200(admin_client, order):
    assert admin_client.get(URL, {"o": order}).status_code == 200


def test_only_site_admins_see_it(client, cau_giay_admin):
    assert client.get(URL).status_code == 302  # to the login
    client.force_login(cau_giay_admin)
    assert client.get(URL).status_code in (302, 403)
