"""Staff at work in a real browser: a ward officer on a phone keeps the point's week and
closures, and a catalogue editor imports a file, fixes the row it refuses and publishes.
Both sign in through the login form; what they change is checked on the public pages."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from procedures.services import CATALOGUE_EDITORS
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE
from tests.factories import StaffMembershipFactory, UserFactory
from wards.models import PublicHoliday

pytestmark = pytest.mark.e2e

CAU_GIAY_PAGE = "/don-vi/ha-noi/phuong-cau-giay/"
CAU_GIAY_POINT = "Điểm phục vụ hành chính công Phường Cầu Giấy"
CLOSURE_REASON = "Tổng vệ sinh trụ sở"


def sign_in(page, username: str, *, at: str = "/tai-khoan/login/") -> None:
    page.goto(at)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def working_days_this_week() -> list[date]:
    """Monday to Friday of the seven days the public page shows, less public holidays."""
    today = timezone.localdate()
    week = [today + timedelta(days) for days in range(7)]
    holidays = set(
        PublicHoliday.objects.filter(date__in=week, is_day_off=True).values_list("date", flat=True)
    )
    return [day for day in week if day.weekday() < 5 and day not in holidays]


def test_a_ward_officer_on_a_phone_sets_a_week_with_lunch_break_and_a_closure_residents_see_both(
    journey, cau_giay
):
    officer = StaffMembershipFactory(unit=cau_giay).user
    working_days = working_days_this_week()
    if len(working_days) < 2:
        pytest.skip("fewer than two working days in the coming week (Tết): nothing to compare")
    open_day, closed_day = working_days[0], working_days[-1]
    resident = journey.open(size=PHONE)
    phone = journey.open(size=PHONE)

    with journey.step("a resident sees hours not yet verified"):
        resident.goto(CAU_GIAY_PAGE)
        point = resident.locator("article.service-point", has_text=CAU_GIAY_POINT)
        expect(point).to_contain_text("Giờ làm việc: chưa xác minh")

    with journey.step("the officer signs in on the phone"):
        sign_in(phone, officer.username)
        expect(phone.get_by_role("heading", name="Trang cán bộ", level=1)).to_be_visible()

    with journey.step("opens the point's week"):
        row = phone.get_by_role("listitem").filter(
            has=phone.get_by_role("heading", name=CAU_GIAY_POINT)
        )
        row.get_by_role("link", name="Giờ làm việc", exact=True).click()
        expect(phone.get_by_role("heading", name="Giờ làm việc trong tuần")).to_be_visible()

    with journey.step("types Monday with a lunch break and copies it to the working week"):
        phone.get_by_label("Mở cửa Thứ Hai").check()
        phone.get_by_label("Thứ Hai, sáng, từ").fill("07:30")
        phone.get_by_label("Thứ Hai, sáng, đến").fill("11:30")
        phone.get_by_label("Thứ Hai, chiều, từ").fill("13:30")
        phone.get_by_label("Thứ Hai, chiều, đến").fill("17h")
        phone.get_by_role("button", name="Giờ Thứ Hai cho cả Thứ Hai – Thứ Sáu").click()
        expect(phone.get_by_label("Mở cửa Thứ Sáu")).to_be_checked()
        expect(phone.get_by_label("Thứ Sáu, chiều, đến")).to_have_value("17h")

    with journey.step("saves the week"):
        phone.get_by_role("button", name="Lưu giờ làm việc").click()
        expect(phone.get_by_role("status")).to_contain_text("Đã lưu giờ làm việc lúc")
        expect(phone.get_by_label("Thứ Sáu, chiều, đến")).to_have_value("17:00")

    with journey.step("posts a closure"):
        phone.get_by_role("link", name="Ngày nghỉ", exact=True).click()
        phone.get_by_label("Từ ngày").fill(closed_day.isoformat())
        phone.get_by_label("Đến hết ngày").fill(closed_day.isoformat())
        phone.get_by_label("Loại").select_option(label="Nghỉ, đóng cửa")
        phone.get_by_label("Lý do").fill(CLOSURE_REASON)
        phone.get_by_role("button", name="Thêm", exact=True).click()
        expect(phone.get_by_role("status")).to_contain_text("Đã thêm ngày nghỉ, giờ đặc biệt.")
        expect(phone.get_by_role("main")).to_contain_text(CLOSURE_REASON)

    with journey.step("the resident's page shows the week and the closure"):
        resident.reload()
        week = resident.get_by_role("table", name="Giờ làm việc 7 ngày tới")
        day = week.get_by_role("row").filter(has_text=open_day.strftime("%d/%m"))
        expect(day).to_contain_text("07:30–11:30, 13:30–17:00")
        closed = week.get_by_role("row").filter(has_text=closed_day.strftime("%d/%m"))
        expect(closed).to_contain_text("Nghỉ")
        expect(closed).to_contain_text(CLOSURE_REASON)
        coming = resident.get_by_role("heading", name="Sắp nghỉ").locator(
            "xpath=following-sibling::ul[1]"
        )
        expect(coming).to_contain_text(f"{closed_day:%d/%m/%Y}: {CLOSURE_REASON}")


CATALOGUE_HEADER = "name,slug,field,level,status,processing_days,source"
NEW_PROCEDURES = [
    ("Thủ tục thử nghiệm nhập danh mục một", "thu-tuc-thu-nghiem-nhap-mot", "5"),
    ("Thủ tục thử nghiệm nhập danh mục hai", "thu-tuc-thu-nghiem-nhap-hai", "{days}"),
]


def catalogue_file(days: str) -> dict:
    rows = [
        f"{name},{slug},ho_tich,xa,draft,{processing.format(days=days)},Kiểm thử tự động"
        for name, slug, processing in NEW_PROCEDURES
    ]
    content = "\n".join([CATALOGUE_HEADER, *rows]) + "\n"
    return {"name": "danh-muc.csv", "mimeType": "text/csv", "buffer": content.encode()}


def test_a_catalogue_editor_imports_a_file_fixes_the_bad_row_and_publishes(journey):
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name=CATALOGUE_EDITORS)[0])
    name, slug = NEW_PROCEDURES[1][0], NEW_PROCEDURES[1][1]
    admin = journey.open(size=DESKTOP)
    resident = journey.open(size=PHONE)

    with journey.step("the editor signs in to the admin"):
        sign_in(admin, editor.username, at="/quan-tri/login/")
        expect(admin.get_by_role("heading", name="Quản trị cổng")).to_be_visible()

    with journey.step("opens the catalogue import"):
        admin.goto("/quan-tri/procedures/procedure/")
        admin.get_by_role("link", name="Nhập", exact=True).click()
        expect(admin.get_by_role("heading", name="Nhập danh mục thủ tục")).to_be_visible()

    upload = admin.get_by_label("Tệp danh mục (CSV, XLSX hoặc JSON)")
    with journey.step("uploads a file with one bad row and reads the error"):
        upload.set_input_files(catalogue_file(days="ba"))
        admin.get_by_role("button", name="Kiểm tra tệp").click()
        expect(admin.get_by_text("Có 1 lỗi; chưa nhập gì")).to_be_visible()
        errors = admin.get_by_role("table", name=re.compile("Lỗi theo dòng"))
        expect(errors.get_by_role("row").nth(1)).to_have_text(
            re.compile(r"2\s*processing_days\s*“ba” không phải là một số\.")
        )
        expect(admin.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)

    with journey.step("uploads the fixed file and confirms"):
        upload.set_input_files(catalogue_file(days="3"))
        admin.get_by_role("button", name="Kiểm tra tệp").click()
        expect(admin.get_by_text("2 dòng: 2 thủ tục mới, 0 thủ tục cập nhật.")).to_be_visible()
        admin.get_by_role("button", name="Xác nhận nhập").click()
        expect(
            admin.get_by_text("Đã nhập 2 dòng: 2 thủ tục mới, 0 thủ tục cập nhật.")
        ).to_be_visible()

    with journey.step("residents cannot see the drafts yet"):
        assert resident.goto(f"/thu-tuc/{slug}/").status == 404

    with journey.step("the editor publishes both"):
        admin.locator("#searchbar").fill("thu nghiem nhap danh muc")
        admin.locator("#searchbar").press("Enter")
        found = admin.locator("#result_list tbody tr")
        expect(found).to_have_count(2)
        for row in found.all():
            row.get_by_role("checkbox").check()
        admin.get_by_role("combobox", name="Hoạt động:").select_option(
            label="Công bố các thủ tục đã chọn"
        )
        admin.get_by_role("button", name="Đi đến").click()
        expect(admin.get_by_text("Đã công bố 2 thủ tục.")).to_be_visible()

    with journey.step("residents read the published procedure"):
        assert resident.goto(f"/thu-tuc/{slug}/").status == 200
        expect(resident.get_by_role("heading", name=name, level=1)).to_be_visible()
        expect(resident.get_by_role("definition").filter(has_text="3 ngày")).to_have_count(1)
