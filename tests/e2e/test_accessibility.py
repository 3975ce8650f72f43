"""Every public, account, staff and admin page, checked by axe-core in Chromium at a
desktop's 1280×800 and a phone's 360×740: no violation of WCAG 2.1 level A or AA.

axe-core comes from the npm registry (package.json, pinned exactly; `make test` runs
`npm ci`). The browser adds it to every document it loads, before the page's own scripts
(Playwright's init script), so the Content-Security-Policy (script-src 'self') stays in
force and the page is checked as residents get it. The pages carry the states a person
meets: a point with hours, closures and notices, a report waiting, a subscription, forms
refused with their errors, and the English versions of the resident's pages.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.notifications import emails
from portal.notifications.services import subscription_confirm, subscription_request
from portal.reports.services import report_create
from tests.e2e.conftest import AXE, DESKTOP, PHONE, required_or_skip
from tests.factories import StaffMembershipFactory, UserFactory
from wards.models import HoursExceptionKind, NoticeKind, StaffRole
from wards.services.staff_edits import (
    IntervalInput,
    hours_exception_create,
    notice_publish,
    weekly_hours_replace,
)

pytestmark = pytest.mark.e2e

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SIZES = {"1280×800": DESKTOP, "360×740": PHONE}
CAU_GIAY_POINT = "Điểm phục vụ hành chính công Phường Cầu Giấy"


@dataclass(frozen=True)
class Screen:
    name: str
    path: str  # formatted with the `site` fixture's values
    status: int = 200
    signed_in: str = ""  # who: "officer" (Cầu Giấy's unit admin) or "admin" (a site admin)
    then: Callable | None = None  # what the person does on the page before it is checked


def _submit_natively(page, form_selector: str) -> None:
    """Send a form as a browser without JavaScript would, so the whole answer page is
    checked (with JavaScript the portal swaps a fragment into the same page)."""
    with page.expect_navigation():
        page.locator(form_selector).evaluate("form => form.submit()")


def subscribe_with(email: str) -> Callable:
    def then(page) -> None:
        page.get_by_label("Địa chỉ thư điện tử của bạn").fill(email)
        _submit_natively(page, "#subscribe form")

    return then


def wrong_password(page) -> None:
    page.get_by_label("Tên đăng nhập").fill("khong-ai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("alert").wait_for()


def week_with_a_typo(page) -> None:
    page.get_by_label("Mở cửa Thứ Hai").check()
    page.get_by_label("Thứ Hai, sáng, từ").fill("25:99")
    page.get_by_role("button", name="Lưu giờ làm việc").click()
    page.get_by_role("alert").wait_for()


def week_saved(page) -> None:
    page.get_by_role("button", name="Lưu giờ làm việc").click()
    page.get_by_role("status").first.wait_for()


RESIDENT_SCREENS = [
    Screen("home", "/"),
    Screen("lookup", "/tra-cuu/"),
    Screen("lookup-results", "/tra-cuu/?q=quan+hoa+cau+giay"),
    Screen("lookup-nothing-found", "/tra-cuu/?q=zzzz+qqqq"),
    Screen("nearby", "/gan-toi/"),
    Screen("nearby-results", "/gan-toi/?don_vi=00166"),
    Screen("procedures", "/thu-tuc/"),
    Screen("procedure-results", "/thu-tuc/?q=dang+ky+khai+sinh"),
    Screen("procedure", "/thu-tuc/dang-ky-khai-sinh/"),
    Screen("procedure-where-to-file", "/thu-tuc/dang-ky-khai-sinh/?don_vi=00166"),
    Screen("unit", "/don-vi/ha-noi/phuong-cau-giay/"),
    Screen("provinces", "/don-vi/"),
    Screen("province", "/don-vi/ha-noi/"),
    Screen("about", "/gioi-thieu/"),
    Screen("report-form", "/bao-sai/?don_vi=00166"),
    Screen(
        "subscribe-sent", "/don-vi/ha-noi/phuong-cau-giay/", then=subscribe_with("a@example.vn")
    ),
    Screen(
        "subscribe-refused",
        "/don-vi/ha-noi/phuong-cau-giay/",
        then=subscribe_with("khong-phai-thu-dien-tu"),
    ),
    Screen("subscription-confirm", "/thong-bao/xac-nhan/{confirm}/"),
    Screen("subscription-preferences", "/thong-bao/tuy-chon/{preferences}/"),
    Screen("unsubscribe", "/thong-bao/huy/{unsubscribe}/"),
    Screen("not-found", "/khong-co-trang-nay/", status=404),
]
ACCOUNT_SCREENS = [
    Screen("login", "/tai-khoan/login/"),
    Screen("login-refused", "/tai-khoan/login/", then=wrong_password),
    Screen("password-reset", "/tai-khoan/password_reset/"),
    Screen("password-reset-sent", "/tai-khoan/password_reset/done/"),
    Screen("password-set", "/tai-khoan/reset/{uid}/{reset_token}/"),
    Screen("two-factor-setup", "/tai-khoan/xac-thuc-hai-buoc/", signed_in="officer"),
]
STAFF_SCREENS = [
    Screen("staff-dashboard", "/can-bo/", signed_in="officer"),
    Screen("staff-point", "/can-bo/diem/{point}/", signed_in="officer"),
    Screen("staff-week", "/can-bo/diem/{point}/gio/", signed_in="officer"),
    Screen("staff-week-saved", "/can-bo/diem/{point}/gio/", signed_in="officer", then=week_saved),
    Screen(
        "staff-week-refused",
        "/can-bo/diem/{point}/gio/",
        signed_in="officer",
        then=week_with_a_typo,
    ),
    Screen("staff-closures", "/can-bo/diem/{point}/ngay-nghi/", signed_in="officer"),
    Screen("staff-history", "/can-bo/diem/{point}/lich-su/", signed_in="officer"),
    Screen("staff-notices", "/can-bo/don-vi/00166/thong-bao/", signed_in="officer"),
    Screen("staff-reports", "/can-bo/bao-sai/", signed_in="officer"),
]


def catalogue_with_a_bad_row(page) -> None:
    content = (
        "name,slug,field,level,status,processing_days\nThủ tục thử,thu-tuc-thu,ho_tich,xa,,ba\n"
    )
    file = {"name": "danh-muc.csv", "mimeType": "text/csv", "buffer": content.encode()}
    page.get_by_label("Tệp danh mục (CSV, XLSX hoặc JSON)").set_input_files(file)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_role("table", name=re.compile("Lỗi theo dòng")).wait_for()


# The admin pages the portal itself made or staff work in every day. The procedure's change
# form is not here: Django's tabular inlines give their cells no labels (see the report).
ADMIN_SCREENS = [
    Screen("admin-home", "/quan-tri/", signed_in="admin"),
    Screen("admin-procedures", "/quan-tri/procedures/procedure/", signed_in="admin"),
    Screen("admin-import", "/quan-tri/procedures/procedure/nhap/", signed_in="admin"),
    Screen(
        "admin-import-refused",
        "/quan-tri/procedures/procedure/nhap/",
        signed_in="admin",
        then=catalogue_with_a_bad_row,
    ),
    Screen("admin-freshness", "/quan-tri/do-cap-nhat/", signed_in="admin"),
    Screen("admin-invite-staff", "/quan-tri/wards/staffmembership/moi/", signed_in="admin"),
]
ENGLISH_SCREENS = [
    Screen(f"en-{screen.name}", f"/en{screen.path}", screen.status, then=screen.then)
    for screen in RESIDENT_SCREENS
    if screen.then is None  # the forms' own texts are checked once, in Vietnamese
]
SCREENS = RESIDENT_SCREENS + ACCOUNT_SCREENS + STAFF_SCREENS + ADMIN_SCREENS + ENGLISH_SCREENS


@pytest.fixture
def site(cau_giay) -> dict:
    """Cầu Giấy as its staff keep it (a week with a lunch break, a closure and special
    hours this week, a closure notice and a notice, a report waiting), its unit admin, and
    a confirmed subscriber; returns what the screens' paths need."""
    officer = StaffMembershipFactory(unit=cau_giay, role=StaffRole.UNIT_ADMIN).user
    point = cau_giay.service_points.get(name=CAU_GIAY_POINT)
    weekly_hours_replace(
        point_id=point.pk,
        seen_version=point.version,
        intervals=[
            IntervalInput(day, opens, closes)
            for day in range(5)
            for opens, closes in ((time(7, 30), time(11, 30)), (time(13, 30), time(17)))
        ],
        user=officer,
    )
    today = timezone.localdate()
    for offset, kind, opens, closes, reason in (
        (2, HoursExceptionKind.CLOSED, None, None, "Tổng vệ sinh trụ sở"),
        (4, HoursExceptionKind.SPECIAL_HOURS, time(8), time(11), "Họp toàn cơ quan"),
    ):
        day = today + timedelta(offset)
        data = {"start_date": day, "end_date": day, "kind": kind, "reason": reason}
        hours_exception_create(
            point=point, data=data | {"opens": opens, "closes": closes}, user=officer
        )
    for kind, title, ends_on in (
        (NoticeKind.CLOSURE, "Tạm nghỉ để chuyển trụ sở", today + timedelta(3)),
        (NoticeKind.GENERAL, "Nhận hồ sơ cả sáng Thứ Bảy", None),
    ):
        notice_publish(
            unit=cau_giay,
            kind=kind,
            title=title,
            body="<p>Chi tiết</p>",
            ends_on=ends_on,
            user=officer,
        )
    report_create(unit=cau_giay, what_is_wrong="Số điện thoại đã đổi.", email="nguoidan@example.vn")
    subscription = subscription_request(email="theodoi@example.vn", unit=cau_giay)
    confirmed = subscription_confirm(subscription=subscription)
    return {
        "officer": officer,
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "point": point.pk,
        "confirm": _token(emails.confirm_url(subscription)),
        "unsubscribe": _token(emails.unsubscribe_url(confirmed)),
        "preferences": _token(emails.preferences_url(confirmed.subscriber)),
        "uid": urlsafe_base64_encode(force_bytes(officer.pk)),
        "reset_token": default_token_generator.make_token(officer),
    }


def _token(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def axe_violations(page) -> list[dict]:
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options)", options)["violations"]


def described(size: str, violation: dict) -> str:
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
    return (
        f"[{size}] {violation['id']} ({violation['impact']}): {violation['help']}\n"
        f"    at {targets}\n    {violation['helpUrl']}"
    )


@pytest.fixture
def checker(journey, settings):
    """A desktop-sized page with axe-core in every document it loads."""
    if not AXE.exists():
        required_or_skip(f"axe-core is not installed ({AXE}): `make test` runs npm ci")
    # The officer's password is never typed here: no need to hash it slowly.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    page = journey.open(size=DESKTOP)
    page.context.add_init_script(path=str(AXE))
    return page


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_the_page_meets_wcag_21_aa_on_a_desktop_and_a_phone(screen, checker, journey, site):
    page = checker
    if screen.path.startswith("/en/") and page.request.get("/en/").status != 200:
        pytest.skip("the English pages are not there yet (/en/ does not answer 200)")
    if screen.signed_in:
        journey.sign_in(page, site[screen.signed_in])
    path = screen.path.format(**site)
    found = []
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        response = page.goto(path)
        assert response.status == screen.status, f"{path} answered {response.status}"
        if screen.then is not None:
            screen.then(page)
        assert "<" not in page.title(), f"markup in the title of {path}: {page.title()}"
        violations = axe_violations(page)
        if violations:
            journey.screenshot(page, f"{screen.name}-{size_name}")
        found += [described(size_name, violation) for violation in violations]
    assert not found, f"{path}: WCAG 2.1 A/AA violations\n" + "\n".join(found)


def test_the_checker_sees_a_violation_when_there_is_one(checker, portal):
    """A wrong tag name or a script that never loaded would find nothing on every page."""
    page = checker
    unlabelled = "<!doctype html><html lang='vi'><title>x</title><main><input></main></html>"
    page.route(
        f"{portal.url}/kiem-tra-axe/",
        lambda route: route.fulfill(body=unlabelled, content_type="text/html"),
    )
    page.goto("/kiem-tra-axe/")
    assert [violation["id"] for violation in axe_violations(page)] == ["label"]
