"""A resident's two questions, asked in a real browser: which ward am I in now (and is it
open today), and where do I file this procedure. Each runs three ways: on a phone with
the pointer, and with the keyboard alone with JavaScript on and with it off."""

import re
from datetime import time

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.visitor import Visitor
from wards.models import PublicHoliday, ServicePoint, Unit
from wards.services.staff_edits import IntervalInput, weekly_hours_replace

pytestmark = pytest.mark.e2e

WAYS = {
    "phone-pointer": {"size": PHONE, "javascript": True, "keyboard": False},
    "keyboard": {"size": DESKTOP, "javascript": True, "keyboard": True},
    "keyboard-no-javascript": {"size": DESKTOP, "javascript": False, "keyboard": True},
}
CAU_GIAY_POINT = "Điểm phục vụ hành chính công Phường Cầu Giấy"
CAU_GIAY_ADDRESS = "Số 96 Trần Thái Tông, phường Cầu Giấy"


@pytest.fixture(params=WAYS.keys())
def resident(request, journey) -> Visitor:
    way = WAYS[request.param]
    page = journey.open(size=way["size"], javascript=way["javascript"])
    return Visitor(page, keyboard=way["keyboard"])


@pytest.fixture
def cau_giay_open_every_day(cau_giay) -> ServicePoint:
    """Cầu Giấy's service point as its staff left it: 07:30–11:30 and 13:30–17:00, every
    day of the week, so that today has hours whatever day the test runs."""
    point = cau_giay.service_points.get(name=CAU_GIAY_POINT)
    weekly_hours_replace(
        point_id=point.pk,
        seen_version=point.version,
        intervals=[
            IntervalInput(day, opens, closes)
            for day in range(7)
            for opens, closes in ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
        ],
        user=None,
    )
    return point


def test_a_resident_finds_her_new_ward_from_her_old_address_sees_todays_hours_and_subscribes(
    resident, journey, cau_giay_open_every_day
):
    page = resident.page
    today_is_a_holiday = PublicHoliday.objects.filter(
        date=timezone.localdate(), is_day_off=True
    ).exists()

    with journey.step("types her former address without diacritics on the home page"):
        page.goto("/")
        resident.type_into(page.get_by_role("searchbox", name="Địa chỉ cũ"), "quan hoa cau giay")
        resident.use(page.get_by_role("button", name="Tra cứu"))
        expect(page.get_by_role("heading", name="Tra cứu phường/xã mới", level=1)).to_be_visible()
        results = page.locator("#results")
        expect(results).to_contain_text("Phường Quan Hoa, Quận Cầu Giấy")
        expect(results).to_contain_text("Đã được chia cho 2 đơn vị mới")

    with journey.step("opens the new ward her street went to"):
        resident.use(results.get_by_role("link", name="Phường Cầu Giấy", exact=True))
        expect(page.get_by_role("heading", name="Phường Cầu Giấy", level=1)).to_be_visible()

    with journey.step("sees where to go and today's hours"):
        point = page.locator("article.service-point", has_text=CAU_GIAY_POINT)
        expect(point).to_contain_text(CAU_GIAY_ADDRESS)
        today = "Hôm nay: nghỉ" if today_is_a_holiday else "Hôm nay: 07:30–11:30, 13:30–17:00"
        expect(point).to_contain_text(today)

    with journey.step("subscribes to the ward's changes"):
        resident.type_into(page.get_by_label("Địa chỉ thư điện tử của bạn"), "nguoidan@example.com")
        resident.use(page.get_by_role("button", name="Đăng ký nhận thư"))
        expect(page.get_by_text("Hãy kiểm tra hộp thư.")).to_be_visible()
    confirmation = [message for message in mail.outbox if message.to == ["nguoidan@example.com"]]
    assert len(confirmation) == 1 and "Phường Cầu Giấy" in confirmation[0].body


def test_a_resident_searches_a_procedure_without_diacritics_and_sees_where_to_file_it(
    resident, journey
):
    page = resident.page
    unit = Unit.objects.get(code="00166")

    with journey.step("opens the procedures from the home page"):
        page.goto("/")
        resident.use_menu("Thủ tục")
        expect(page.get_by_role("heading", name="Tìm thủ tục hành chính")).to_be_visible()

    with journey.step("searches without diacritics"):
        resident.type_into(page.get_by_label("Bạn cần làm thủ tục gì?"), "dang ky khai sinh")
        resident.use(page.get_by_role("button", name="Tìm", exact=True))
        expect(page.get_by_role("status")).to_contain_text("Tìm thấy")

    with journey.step("opens the procedure"):
        resident.use(
            page.locator("#results").get_by_role("link", name="Đăng ký khai sinh", exact=True)
        )
        expect(page.get_by_role("heading", name="Đăng ký khai sinh", level=1)).to_be_visible()

    with journey.step("picks her ward and sees where to file"):
        resident.choose(page.get_by_label("Phường, xã của bạn"), unit.full_name)
        resident.use(page.get_by_role("button", name="Xem nơi nộp"))
        expect(page).to_have_url(re.compile(r"\?don_vi=00166"))
        where = page.get_by_role("region", name="Nộp ở đâu")
        expect(where.get_by_role("link", name=CAU_GIAY_POINT)).to_be_visible()
        expect(where).to_contain_text(CAU_GIAY_ADDRESS)
